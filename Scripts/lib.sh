# Shared by Scripts/serve and Scripts/test: checks the Debian packages Kawan
# builds against and installs them when running as root, or stops with the
# exact command to run.

kawan_require_packages() {
    local missing=()
    local package
    for package in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$package")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing missing system packages: ${missing[*]}" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
    else
        echo "Missing system packages. Install them with:" >&2
        echo "  sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
}

kawan_require_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        echo "Swift 6.3 is not on PATH. Install it from swift.org (Debian 12 toolchain) and try again." >&2
        exit 1
    fi
}

# Libraries the package links: SQLite, OpenSSL's libcrypto and libcurl (headers),
# pkg-config for their flags.
KAWAN_BUILD_PACKAGES=(libsqlite3-dev libssl-dev libcurl4-openssl-dev pkg-config)
# Real clients and tools the tests use (curl, openssl s_server, Python for the
# providers' SDKs; tests that need a
# missing one are skipped with a message, but CI installs them).
KAWAN_TEST_PACKAGES=(curl openssl python3 python3-venv)
