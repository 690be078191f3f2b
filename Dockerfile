# tether's container image: the static (musl) release binary on Alpine, which
# adds only what CI jobs need around it: a shell, curl and CA certificates
# (tether verifies Atlas's certificate against the system's store).
#
# The binary is not built here: the release workflow copies the checksummed
# release binaries in, one per platform, as dist/amd64/tether and
# dist/arm64/tether, then runs
#   docker buildx build --platform linux/amd64,linux/arm64 -t ghcr.io/tether-cli/tether:0.1.0 .
# To build one by hand:
#   cargo build --release --locked --target x86_64-unknown-linux-musl
#   mkdir -p dist/amd64 && cp target/x86_64-unknown-linux-musl/release/tether dist/amd64/
#   docker build --platform linux/amd64 -t tether .
FROM alpine:3.20
ARG TARGETARCH
RUN apk add --no-cache ca-certificates curl
COPY --chmod=0755 dist/${TARGETARCH}/tether /usr/local/bin/tether
# No ENTRYPOINT and no USER: CI systems (GitLab among them) run their scripts
# in a shell, as the image's user, in a checkout their helper wrote as root.
CMD ["tether", "--help"]
