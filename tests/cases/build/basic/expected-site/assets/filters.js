/* Filters of the practice list: progressive enhancement only. Without this
 * script every practice stays listed. State lives in the query string with
 * the old site's parameters (?priority=…&difficulty=…&who=…), so shared
 * links keep working. */
(function () {
	"use strict";
	var form = document.getElementById("filtres");
	if (!form || !window.URLSearchParams) return;
	var names = ["priority", "difficulty", "who"];
	var items = document.querySelectorAll(".theme-group li[data-priority]");
	var groups = document.querySelectorAll(".theme-group");
	var count = document.getElementById("filter-count");

	function selectValue(sel, value) {
		for (var i = 0; i < sel.options.length; i++) {
			if (sel.options[i].value === value || sel.options[i].text === value) {
				sel.selectedIndex = i;
				return;
			}
		}
		sel.selectedIndex = 0;
	}

	function apply(updateUrl) {
		var want = {};
		names.forEach(function (n) { want[n] = form.elements[n].value; });
		var shown = 0;
		for (var i = 0; i < items.length; i++) {
			var li = items[i];
			var ok = (!want.priority || li.getAttribute("data-priority") === want.priority) &&
				(!want.difficulty || li.getAttribute("data-difficulty") === want.difficulty) &&
				(!want.who || li.getAttribute("data-who").split("|").indexOf(want.who) >= 0);
			li.hidden = !ok;
			if (ok) shown++;
		}
		for (var g = 0; g < groups.length; g++) {
			groups[g].hidden = groups[g].querySelector("li[data-priority]:not([hidden])") === null;
		}
		count.textContent = shown + (shown > 1 ? " bonnes pratiques affichées" : " bonne pratique affichée") +
			" sur " + items.length + ".";
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
