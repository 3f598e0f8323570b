#!/usr/bin/env bash
# The Debian packages Bistånd needs outside Python: the libraries WeasyPrint (decision letters,
# PDF/UA) loads at run time, and Debian's Chromium for the browser tests (bistand/browser/).
# Checks them with dpkg; as root, installs what is missing.
#
#   scripts/system-deps.sh            check; as root install what is missing, else print the command
#   scripts/system-deps.sh --check    check only, never install
#   scripts/system-deps.sh --dry-run  as root: show what apt-get would do (apt-get -s), change nothing
#
# Exit status: 0 when every required package is installed (or has just been installed),
# 1 when a required package is missing and could not be installed, 2 on a usage error.
# A missing recommended package is reported but never fails the script. Chromium counts as
# required when CI is set (the browser tests fail without it there); elsewhere a missing
# Chromium that cannot be installed is reported and the browser tests skip.
# Idempotent, and quick when nothing is missing: one dpkg call per package, no apt.
set -euo pipefail

# libpango-1.0-0, libpangoft2-1.0-0: WeasyPrint's text layout (pango >= 1.44; it loads them
# with dlopen, so pip cannot install them). fontconfig comes with them.
# fonts-dejavu-core: a system font for fontconfig's fallback. The letters embed the DejaVu
# Sans files shipped in bistand/letters/static/letters/fonts/, not this package's.
REQUIRED=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
# libharfbuzz-subset0: font subsetting. WeasyPrint 70 falls back to fontTools without it (and
# warns: "HarfBuzz-Subset will be required by future versions of WeasyPrint"); it is faster.
RECOMMENDED=(libharfbuzz-subset0)
# chromium: Debian's build, which Playwright drives through executable_path=/usr/bin/chromium
# (docs/testing.md). Never `playwright install`: it downloads a browser of its own. A 120 MB
# download, 410 MB on disk. Required for the browser tests: with CI set, as REQUIRED.
BROWSER=(chromium)

mode=install
case "${1:-}" in
    "") ;;
    --check) mode=check ;;
    --dry-run) mode=dry-run ;;
    -h | --help)
        sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *)
        echo "system-deps: unknown option $1 (use --check, --dry-run or --help)" >&2
        exit 2
        ;;
esac

if ! command -v dpkg >/dev/null 2>&1; then
    echo "system-deps: no dpkg here (not Debian or Ubuntu); not checked. WeasyPrint needs pango" \
        ">= 1.44 with pangoft2, fontconfig and harfbuzz (with harfbuzz-subset) from your package" \
        "manager; the browser tests need Chromium at /usr/bin/chromium."
    exit 0
fi

installed() {
    dpkg -s "$1" 2>/dev/null | grep -qx 'Status: install ok installed'
}

missing_required=()
missing_recommended=()
missing_browser=()
for package in "${REQUIRED[@]}"; do
    installed "$package" || missing_required+=("$package")
done
for package in "${RECOMMENDED[@]}"; do
    installed "$package" || missing_recommended+=("$package")
done
for package in "${BROWSER[@]}"; do
    installed "$package" || missing_browser+=("$package")
done
if [ -n "${CI:-}" ] && [ "${#missing_browser[@]}" -gt 0 ]; then
    missing_required+=("${missing_browser[@]}")
    missing_browser=()
fi
missing=("${missing_required[@]}" "${missing_browser[@]}" "${missing_recommended[@]}")

if [ "${#missing[@]}" -eq 0 ]; then
    echo "system-deps: all installed (${REQUIRED[*]} ${BROWSER[*]} ${RECOMMENDED[*]})"
    exit 0
fi

[ "${#missing_required[@]}" -eq 0 ] || echo "system-deps: missing (required): ${missing_required[*]}"
[ "${#missing_browser[@]}" -eq 0 ] ||
    echo "system-deps: missing (for the browser tests): ${missing_browser[*]}"
[ "${#missing_recommended[@]}" -eq 0 ] ||
    echo "system-deps: missing (recommended): ${missing_recommended[*]}"
command_line="apt-get install -y --no-install-recommends ${missing[*]}"

if [ "$mode" = check ] || [ "$(id -u)" -ne 0 ]; then
    if [ "$mode" != check ]; then
        echo "system-deps: not root, so not installing. As root, run:"
    else
        echo "system-deps: to install them, run as root:"
    fi
    echo "    apt-get update && DEBIAN_FRONTEND=noninteractive $command_line"
    if [ "${#missing_required[@]}" -gt 0 ]; then
        exit 1
    fi
    [ "${#missing_browser[@]}" -eq 0 ] ||
        echo "system-deps: without Chromium the browser tests are skipped (with CI set, they fail)."
    echo "system-deps: the required packages are installed."
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
if [ "$mode" = dry-run ]; then
    echo "system-deps: dry run: apt-get -s install --no-install-recommends ${missing[*]}"
    apt-get -s install --no-install-recommends "${missing[@]}"
    exit 0
fi

echo "system-deps: running apt-get update"
apt-get update -q
echo "system-deps: running $command_line"
apt-get install -y -q --no-install-recommends "${missing[@]}"

still_missing=()
for package in "${missing[@]}"; do
    installed "$package" || still_missing+=("$package")
done
if [ "${#still_missing[@]}" -gt 0 ]; then
    echo "system-deps: still missing after apt-get install: ${still_missing[*]}" >&2
    exit 1
fi
echo "system-deps: installed ${missing[*]}"
