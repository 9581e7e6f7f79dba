/* Filters of a list page (the guide's practices, a référentiel's criteria):
 * progressive enhancement only. Without this script every entry stays
 * listed. Each select of the form filters on the entries' data-NAME
 * attribute ('|' between several values); state lives in the query string
 * under the selects' names (the guide's are the old site's: ?priority=…
 * &difficulty=…&who=…), so shared links keep working. The count's words
 * come from its data-one and data-many attributes. */
(function () {
	"use strict";
	var form = document.getElementById("filtres");
	if (!form || !window.URLSearchParams) return;
	var selects = form.querySelectorAll("select[name]");
	var names = [];
	for (var s = 0; s < selects.length; s++) names.push(selects[s].name);
	var items = document.querySelectorAll(".theme-group li[data-priority]");
	var groups = document.querySelectorAll(".theme-group");
	var count = document.getElementById("filter-count");
	var one = count.getAttribute("data-one") || "bonne pratique affichée";
	var many = count.getAttribute("data-many") || "bonnes pratiques affichées";

	function selectValue(sel, value) {
		for (var i = 0; i < sel.options.length; i++) {
			if (sel.options[i].value === value || sel.options[i].text === value) {
				sel.selectedIndex = i;
				return;
			}
		}
		sel.selectedIndex = 0;
	}

	function matches(li, name, want) {
		var v = li.getAttribute("data-" + name) || "";
		return !want || v === want || v.split("|").indexOf(want) >= 0;
	}

	function apply(updateUrl) {
		var want = {};
		names.forEach(function (n) { want[n] = form.elements[n].value; });
		var shown = 0;
		for (var i = 0; i < items.length; i++) {
			var li = items[i];
			var ok = names.every(function (n) { return matches(li, n, want[n]); });
			li.hidden = !ok;
			if (ok) shown++;
		}
		for (var g = 0; g < groups.length; g++) {
			groups[g].hidden = groups[g].querySelector("li[data-priority]:not([hidden])") === null;
		}
		count.textContent = shown + " " + (shown > 1 ? many : one) + " sur " + items.length + ".";
		if (updateUrl) {
			var params = new URLSearchParams(window.location.search);
			names.forEach(function (n) {
				if (want[n]) params.set(n, want[n]); else params.delete(n);
			});
			var q = params.toString();
			history.replaceState(null, "", window.location.pathname + (q ? "?" + q : "") + window.location.hash);
		}
	}

	var params = new URLSearchParams(window.location.search);
	names.forEach(function (n) { selectValue(form.elements[n], params.get(n) || ""); });
	form.hidden = false;
	form.addEventListener("change", function () { apply(true); });
	form.addEventListener("submit", function (e) { e.preventDefault(); apply(true); });
	apply(false);
})();
