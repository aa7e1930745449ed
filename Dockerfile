# meshsurface image: a static musl binary on distroless/static, non-root (docs/serve.md).
# Images cannot be built on the project's build machines; this file is checked by eye and
# by whoever builds it:  docker build -t registry.example.com/meshsurface:0.1.0 .
#
# Why musl: the binary is pure Rust (rustls + ring, no OpenSSL), so the musl target links
# statically with no extra work and runs on an image with no libc at all. Static glibc is
# not recommended (NSS and dlopen do not work statically). ring's C and assembly build
# with musl-gcc from the build stage.
FROM rust:1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends musl-tools \
    && rm -rf /var/lib/apt/lists/* \
    && rustup target add x86_64-unknown-linux-musl
WORKDIR /src
COPY . .
RUN cargo build --release --locked --target x86_64-unknown-linux-musl -p meshsurface \
    --bin kubectl-meshsurface \
    && cp target/x86_64-unknown-linux-musl/release/kubectl-meshsurface /kubectl-meshsurface

# distroless/static: CA certificates, /etc/passwd with `nonroot` (65532), no shell.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /kubectl-meshsurface /usr/local/bin/kubectl-meshsurface
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/kubectl-meshsurface"]
CMD ["serve", "--listen=0.0.0.0:8080", "--interval=5m"]
