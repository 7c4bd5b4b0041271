# TAP for the shell test tiers (host, umockdev, the VM guest, the image guest): one set of
# helpers, sourced by each. POSIX sh: the VM guest runs busybox's.
#
#   TAP_FD=N          results go to descriptor N (default 1; the guests' control port is 3)
#   TAP_NUMBER=yes    number the lines and print the plan with tap_plan (host, umockdev); the
#                     guests leave numbering to the host side, which merges their results
#   TAP_PREFIX=TEXT   put before every description ("umockdev: ")
#   TAP_ECHO_DIAG=yes diagnostics also on stdout (the VM guest's console log)
#
#   ok DESC...                    not_ok DESC...                 skip DESC WHY...
#   result STATUS DESC [DETAIL]   ok when STATUS is 0, else not ok with DETAIL as diagnostics
#   check DESC CMD...             ok when CMD succeeds, else not ok with its first 20 lines
#   check_range DESC VALUE LOW HIGH   ok when VALUE is a number in [LOW, HIGH]
#   diag TEXT...                  every line of TEXT as a comment
#   tap_plan                      the plan, after the last result (TAP_NUMBER=yes)

: "${TAP_FD:=1}" "${TAP_NUMBER:=no}" "${TAP_PREFIX:=}" "${TAP_ECHO_DIAG:=no}"
_tap_count=0

_tap_line() { # STATUS DESC
    _tap_count=$((_tap_count + 1))
    if [ "$TAP_NUMBER" = yes ]; then
        echo "$1 $_tap_count - $TAP_PREFIX$2" >&"$TAP_FD"
    else
        echo "$1 - $TAP_PREFIX$2" >&"$TAP_FD"
    fi
}

ok() { _tap_line ok "$*"; }
not_ok() { _tap_line "not ok" "$*"; }
skip() {
    _tap_desc=$1
    shift
    _tap_line ok "$_tap_desc # SKIP $*"
}

diag() {
    printf '%s\n' "$*" | while IFS= read -r _tap_l; do
        echo "# $_tap_l" >&"$TAP_FD"
        [ "$TAP_ECHO_DIAG" = yes ] && echo "# $_tap_l"
    done
    return 0
}

result() {
    if [ "$1" -eq 0 ]; then
        ok "$2"
    else
        not_ok "$2"
        [ -n "${3:-}" ] && diag "$3"
    fi
    return 0
}

check() {
    _tap_desc=$1
    shift
    if _tap_out=$("$@" 2>&1); then
        ok "$_tap_desc"
    else
        not_ok "$_tap_desc"
        diag "command failed: $*"
        [ -n "$_tap_out" ] && diag "$(printf '%s\n' "$_tap_out" | head -n 20 | sed 's/^/  /')"
    fi
    return 0
}

check_range() {
    if awk -v v="$2" -v lo="$3" -v hi="$4" \
        'BEGIN { exit !(v != "" && v + 0 == v && v >= lo && v <= hi) }'; then
        ok "$1 ($2 in [$3, $4])"
    else
        not_ok "$1 (${2:-nothing} not in [$3, $4])"
    fi
    return 0
}

tap_plan() { echo "1..$_tap_count" >&"$TAP_FD"; }
