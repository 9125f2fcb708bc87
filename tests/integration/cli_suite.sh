#!/usr/bin/env bash
# End-to-end suite for the `skydir` command line, run the way a new operator would use it, on a
# temporary data directory. One line per check; ends with "N passed, N failed".
#
# Environment: SKYDIR_BIN (the skydir binary; default build/src/app/skydir), SKYDIR_SOURCE_DIR.
# SKYDIR_CLI_BIG_USERS (default 100000) sizes the large import; 0 skips it.
set -u

BIN=${SKYDIR_BIN:-build/src/app/skydir}
BIG_USERS=${SKYDIR_CLI_BIG_USERS:-100000}
WORK=$(mktemp -d /tmp/skydir-cli-suite.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
DATA="$WORK/data"
OUT="$WORK/out"
ERR="$WORK/err"
PASSED=0
FAILED=0
# The suite's own variables must not leak into skydir's configuration.
unset SKYDIR_CONFIG SKYDIR_DATA_DIR

pass() { PASSED=$((PASSED + 1)); echo "ok - $1"; }
fail() {
  FAILED=$((FAILED + 1))
  echo "FAIL - $1"
  sed 's/^/    stdout: /' "$OUT" | head -5
  sed 's/^/    stderr: /' "$ERR" | head -5
}

sky() { "$BIN" --data-dir "$DATA" "$@"; }

# expect_ok DESCRIPTION COMMAND...: exit 0.
expect_ok() {
  local desc=$1; shift
  if "$@" >"$OUT" 2>"$ERR"; then pass "$desc"; else fail "$desc (exit $?)"; fi
}

# expect_fail DESCRIPTION CODE PATTERN COMMAND...: exit CODE, and stderr is one
# "skydir: error: ..." line matching PATTERN (an extended regex).
expect_fail() {
  local desc=$1 code=$2 pattern=$3; shift 3
  "$@" >"$OUT" 2>"$ERR"
  local rc=$?
  if [[ $rc -ne $code ]]; then fail "$desc (exit $rc, want $code)"; return; fi
  if ! head -1 "$ERR" | grep -Eq "^skydir: error: .*($pattern)"; then
    fail "$desc (stderr does not match '$pattern')"; return
  fi
  pass "$desc"
}

# check DESCRIPTION COMMAND...: the command succeeds (for assertions on earlier output).
check() {
  local desc=$1; shift
  if "$@"; then pass "$desc"; else fail "$desc"; fi
}

# json EXPR < file: evaluates a Python expression over the parsed document `d`.
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

SLAPPASSWD=$(command -v slappasswd || echo /usr/sbin/slappasswd)
if [[ ! -x $SLAPPASSWD ]]; then
  echo "FAIL - slappasswd not found (install the Debian package slapd)"
  echo "0 passed, 1 failed"
  exit 1
fi
if [[ ! -x $BIN ]]; then
  echo "FAIL - skydir binary not found at $BIN"
  echo "0 passed, 1 failed"
  exit 1
fi

# --- organizations -------------------------------------------------------------------------
expect_ok "org create acme --json" sky --json org create acme
ORG=$(json 'd["id"]' <"$OUT")
KEY=$(json 'd["api_key"]' <"$OUT")
check "org create prints a 24-hex id" grep -Eq '^[0-9a-f]{24}$' <<<"$ORG"
check "org create prints an sk_ API key" grep -Eq '^sk_[0-9a-f]{24}_[0-9a-f]{64}$' <<<"$KEY"
check "data directory is private (0700)" test "$(stat -c %a "$DATA")" = 700
expect_fail "org create refuses a duplicate name" 1 "already exists" sky org create ACME
expect_fail "org create refuses an empty name" 1 "name" sky org create ""
expect_ok "org create globex (text)" sky org create globex
check "text output shows the API key once" grep -q "^api key: sk_" "$OUT"
expect_ok "org list --json" sky org list --json
check "org list has both orgs" test "$(json 'len(d)' <"$OUT")" = 2
expect_fail "unknown org is refused" 1 "organization 'nope' not found" sky user list nope

# --- users ---------------------------------------------------------------------------------
expect_ok "user add alice (staged)" sky user add acme alice --email alice@example.com \
  --first-name Alice --last-name Liddell --title Engineer --department R\&D
check "alice is staged" grep -q "staged" "$OUT"
expect_ok "user add bob with --password-stdin" \
  bash -c "echo 'bob password 1' | \"$BIN\" --data-dir \"$DATA\" --json user add $ORG bob --email bob@example.com --password-stdin --ldap-binding"
check "bob is activated and an LDAP binding user" \
  test "$(json 'd["state"], d["ldap_binding_user"], d["has_password"]' <"$OUT")" = "activated True True"
expect_ok "user show alice --json" sky --json user show acme alice
check "alice's display name defaults to First Last" \
  test "$(json 'd["display_name"]' <"$OUT")" = "Alice Liddell"
check "alice got a unix uid and home" \
  test "$(json 'd["unix_uid"] >= 5000, d["home_directory"]' <"$OUT")" = "True /home/alice"
ALICE=$(json 'd["id"]' <"$OUT")
expect_ok "user show by id" sky user show acme "$ALICE"
expect_fail "uppercase username refused" 1 "username: must be lowercase" sky user add acme Alice --email a2@example.com
expect_fail "username with a leading dash refused" 1 "username:" sky user add acme .x --email a3@example.com
expect_fail "duplicate username refused" 1 "username: 'alice'" sky user add acme alice --email other@example.com
expect_fail "duplicate email refused" 1 "email:" sky user add acme alice2 --email alice@example.com
expect_fail "invalid email refused" 1 "email:" sky user add acme carol --email not-an-email
expect_fail "missing --email is a usage error" 2 "email" sky user add acme carol
expect_fail "short password refused by policy" 1 "password:" sky user add acme carol --email c@example.com --password abc
expect_ok "nothing half-written: carol does not exist" bash -c "! \"$BIN\" --data-dir \"$DATA\" user show acme carol 2>/dev/null"
expect_fail "unknown flag is a usage error" 2 "" sky user add acme carol --email c@example.com --colour blue
expect_fail "bad --uid-number is a usage error" 2 "" sky user add acme carol --email c@example.com --uid-number abc
expect_fail "activating a user without password refused" 1 "user has no password" sky user set acme alice --activate
expect_ok "user set changes named fields" sky --json user set acme alice --title CTO --phone "+1 555"
check "user set kept the other fields" test "$(json 'd["title"], d["department"], d["phone"]' <"$OUT")" = "CTO R&D +1 555"
expect_fail "user set rename to a taken name refused" 1 "already taken" sky user set acme alice --username bob
expect_ok "set-password from stdin activates alice" bash -c "echo 'alice password 1' | \"$BIN\" --data-dir \"$DATA\" user set-password acme alice"
check "alice is activated" grep -q "activated" "$OUT"
expect_fail "set-password with an empty stdin refused" 1 "password" bash -c "\"$BIN\" --data-dir \"$DATA\" user set-password acme alice </dev/null"
expect_fail "set-password for an unknown user refused" 1 "user 'zed' not found" sky user set-password acme zed --password 'long enough pw'
expect_ok "user suspend" sky user suspend acme alice
check "alice is suspended" grep -q "suspended" "$OUT"
expect_ok "user set --activate" sky user set acme alice --activate --unlock
expect_ok "user list" sky user list acme
check "user list shows alice and bob" test "$(grep -cE ' (alice|bob) ' "$OUT")" = 2
expect_fail "user of another org is not found" 1 "not found" sky user show globex alice

# --- groups and LDAP -----------------------------------------------------------------------
expect_ok "group add engineering" sky group add acme engineering --description "builders"
expect_ok "group add staff with a gid" sky --json group add acme staff --gid-number 9000
check "staff has gid 9000" test "$(json 'd["gid"]' <"$OUT")" = 9000
expect_fail "duplicate group refused" 1 "already exists" sky group add acme engineering
expect_fail "empty group name refused" 1 "name" sky group add acme ""
expect_ok "add-member --user" sky group add-member acme engineering --user alice
expect_ok "add-member --group" sky group add-member acme staff --group engineering
expect_fail "nesting cycle refused" 1 "cycle" sky group add-member acme engineering --group staff
expect_fail "self membership refused" 1 "itself" sky group add-member acme staff --group staff
expect_fail "unknown member refused" 1 "user 'ghost' not found" sky group add-member acme staff --user ghost
expect_fail "add-member without --user/--group is a usage error" 2 "exactly one" sky group add-member acme staff
expect_ok "group show --json" sky --json group show acme engineering
check "engineering holds alice" test "$(json 'd["member_users"] == ["'"$ALICE"'"]' <"$OUT")" = True
expect_ok "ldap connect --group" sky ldap connect acme --group engineering
expect_ok "ldap connect --user" sky ldap connect acme --user bob
expect_ok "ldap show --json" sky --json ldap show acme
check "ldap holds one user and one group" test "$(json 'len(d["users"]), len(d["groups"])' <"$OUT")" = "1 1"
expect_ok "ldap disconnect --user" sky ldap disconnect acme --user bob
expect_fail "ldap connect unknown group refused" 1 "group 'nope' not found" sky ldap connect acme --group nope
expect_ok "remove-member" sky group remove-member acme engineering --user alice
expect_ok "group list --json" sky --json group list acme
check "two groups listed" test "$(json 'len(d)' <"$OUT")" = 2
expect_ok "group delete" sky group delete acme staff
expect_fail "deleted group is gone" 1 "not found" sky group show acme staff
expect_ok "user delete" sky user delete acme bob
expect_fail "deleted user is gone" 1 "not found" sky user show acme bob

# --- API keys ------------------------------------------------------------------------------
expect_ok "apikey create" sky --json apikey create acme ci --role read-only
KEY_ID=$(json 'd["id"]' <"$OUT")
check "apikey create shows the secret once" test "$(json 'd["api_key"].startswith("sk_"+d["id"])' <"$OUT")" = True
expect_ok "apikey list --json" sky --json apikey list acme
check "apikey list has initial and ci, without secrets" \
  test "$(json 'len(d), any("api_key" in k or "secret_hash" in k for k in d)' <"$OUT")" = "2 False"
expect_ok "apikey create --operator" sky apikey create --operator root
expect_fail "apikey create with a bad role is a usage error" 2 "" sky apikey create acme x --role boss
expect_fail "org key with operator role refused" 1 "role" sky apikey create acme x --role operator
expect_ok "apikey revoke" sky apikey revoke acme "$KEY_ID"
expect_fail "revoking again refused" 1 "not found" sky apikey revoke acme "$KEY_ID"
expect_ok "apikey list after revoke" sky --json apikey list acme
check "one key left" test "$(json 'len(d)' <"$OUT")" = 1

# --- LDIF import ---------------------------------------------------------------------------
SSHA=$("$SLAPPASSWD" -h '{SSHA}' -s 'imported secret')
cat >"$WORK/import.ldif" <<EOF
version: 1

dn: dc=example,dc=com
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: people

dn: uid=dan,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
objectClass: posixAccount
uid: dan
cn: Dan Druff
givenName: Dan
sn: Druff
mail: dan@example.com
uidNumber: 20001
gidNumber: 20001
homeDirectory: /home/dan
userPassword: $SSHA

dn: uid=erin,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: erin
sn: Erin
mail: erin@example.com

dn: uid=nomail,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: nomail
sn: Nomail

dn: uid=bad!name,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: bad!name
sn: Bad
mail: bad@example.com

dn: cn=ops,ou=groups,dc=example,dc=com
objectClass: groupOfNames
cn: ops
member: uid=dan,ou=people,dc=example,dc=com
member: uid=erin,ou=people,dc=example,dc=com
EOF
expect_ok "import LDIF with --connect-ldap" sky import acme "$WORK/import.ldif" --connect-ldap
check "import report counts created users" grep -q "^users:  2 created, 0 updated" "$OUT"
check "import report counts skipped entries" grep -q "^skipped: 2" "$OUT"
check "refused entry without mail printed with line and reason" grep -Eq "^refused line 32: uid=nomail.*mail: missing" "$OUT"
check "refused entry with a bad uid printed" grep -Eq "^refused line 37: uid=bad!name.*username:" "$OUT"
expect_ok "import twice --json" sky --json import "$ORG" "$WORK/import.ldif" --connect-ldap
check "second import creates nothing" \
  test "$(json 'd["users_created"], d["groups_created"], d["users_unchanged"], d["memberships_added"], len(d["refused"])' <"$OUT")" = "0 0 2 0 2"
expect_ok "imported user keeps its SSHA hash and is activated" sky --json user show acme dan
check "dan is activated with uid 20001 and in ops" \
  test "$(json 'd["state"], d["unix_uid"], d["groups"], d["ldap_connected"]' <"$OUT")" = "activated 20001 ['ops'] True"
expect_fail "import of a missing file refused" 1 "cannot open" sky import acme "$WORK/missing.ldif"
printf 'dn: uid=x,dc=example,dc=com\nobjectClass: inetOrgPerson\nno colon here\n' >"$WORK/broken.ldif"
expect_fail "malformed LDIF refused, nothing written" 1 "nothing was written" sky import acme "$WORK/broken.ldif"
expect_fail "import into an unknown org refused" 1 "not found" sky import ffffffffffffffffffffffff "$WORK/import.ldif"

expect_ok "export acme as LDIF" sky export acme
check "export holds an imported user" grep -q "^dn: uid=dan," "$OUT"

# --- configuration -------------------------------------------------------------------------
expect_ok "check-config with defaults" sky check-config
check "check-config says ok" grep -q "^configuration ok" "$OUT"
cat >"$WORK/bad.toml" <<'EOF'
log_level = "loud"
colour = "blue"
[ldap]
max_pdu_bytes = "big"
EOF
"$BIN" check-config --config "$WORK/bad.toml" >"$OUT" 2>"$ERR"
rc=$?
check "check-config reports every error with file:line and exits 1" \
  test "$rc:$(grep -c "^skydir: error: $WORK/bad.toml:[0-9]*: " "$ERR")" = "1:3"
SKYDIR_LDAP_MAX_PAGE_SIZE=0 "$BIN" check-config >"$OUT" 2>"$ERR"
rc=$?
check "check-config names a bad environment variable" \
  test "$rc:$(grep -c '^skydir: error: SKYDIR_LDAP_MAX_PAGE_SIZE: ' "$ERR")" = "1:1"
expect_fail "a command with a bad config refuses to run" 1 "log_level" sky --config "$WORK/bad.toml" org list
expect_fail "no subcommand is a usage error" 2 "" "$BIN"

# --- a big import --------------------------------------------------------------------------
if [[ $BIG_USERS -gt 0 ]]; then
  expect_ok "org create big" sky org create big
  awk -v n="$BIG_USERS" -v hash="$SSHA" 'BEGIN {
    print "version: 1\n"
    for (i = 1; i <= n; i++) {
      printf "dn: uid=user%06d,ou=people,dc=big,dc=example\nobjectClass: inetOrgPerson\n", i
      printf "objectClass: posixAccount\nuid: user%06d\ncn: User %d\nsn: %d\n", i, i, i
      printf "mail: user%06d@big.example\nuserPassword: %s\n\n", i, hash
    }
    printf "dn: cn=everyone,dc=big,dc=example\nobjectClass: posixGroup\ncn: everyone\n"
    for (i = 1; i <= 1000; i++) printf "memberUid: user%06d\n", i
  }' >"$WORK/big.ldif"
  start=$(date +%s.%N)
  expect_ok "import $BIG_USERS users" sky import big "$WORK/big.ldif"
  end=$(date +%s.%N)
  echo "# $BIG_USERS users imported in $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s"
  check "big import created every user" grep -q "^users:  $BIG_USERS created" "$OUT"
  if [[ $BIG_USERS -ge 10000 ]]; then
    check "big import printed progress on stderr" grep -q "entries read" "$ERR"
  fi
  start=$(date +%s.%N)
  expect_ok "re-import $BIG_USERS users" sky import big "$WORK/big.ldif"
  end=$(date +%s.%N)
  echo "# $BIG_USERS users re-imported in $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s"
  check "big re-import changed nothing" grep -q "^users:  0 created, 0 updated, $BIG_USERS unchanged" "$OUT"
fi

echo "$PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
