# sobre serve in a container: make docker (or docker build -t sobre .).
#   docker run -d -p 8080:8080 -v sobre-data:/var/lib/sobre \
#     -v "$PWD/guide:/srv/sobre/guide:ro" sobre
# The first start creates the database with the guide imported and prints the
# first admin's password once (docker logs). Put a reverse proxy with TLS in
# front and add --secure --trust-proxy to the command.

# Build stage: the -dev packages, the tests' tools left out; make deb, so that
# the runtime stage gets exactly the libraries the package depends on.
FROM debian:bookworm-slim AS build
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends \
	build-essential dpkg-dev pkg-config python3 scdoc \
	libfyaml-dev libmd4c-dev libjansson-dev libsqlite3-dev libmicrohttpd-dev \
	libsodium-dev libxlsxwriter-dev libutf8proc-dev libzip-dev libexpat1-dev libcurl4-openssl-dev libssl-dev libcmocka-dev libmimalloc-dev libpq-dev \
	&& rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN make -j"$(nproc)" deb BUILD=build && mv build/sobre_*.deb /sobre.deb

# Runtime stage: the package and its Depends, nothing else; a non-root user
# owning only the database's folder.
FROM debian:bookworm-slim
COPY --from=build /sobre.deb /tmp/sobre.deb
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends /tmp/sobre.deb \
	&& rm -rf /var/lib/apt/lists/* /tmp/sobre.deb \
	&& useradd --system --home-dir /var/lib/sobre --shell /usr/sbin/nologin sobre \
	&& mkdir -p /var/lib/sobre /srv/sobre/guide && chown sobre:sobre /var/lib/sobre \
	&& chmod 0750 /var/lib/sobre
USER sobre
WORKDIR /var/lib/sobre
VOLUME /var/lib/sobre
EXPOSE 8080
# The package's /etc/sobre/sobre.conf gives the database, its daily copies
# and the guide's folder; in a container, every interface. Other settings:
# -e SOBRE_<KEY>=value (docs/configuration.md), or mount a settings file.
ENV SOBRE_BIND=0.0.0.0
CMD ["sobre", "serve"]
