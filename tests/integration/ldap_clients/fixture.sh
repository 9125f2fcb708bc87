# shellcheck shell=bash
# Sourced by ldap_clients_suite.sh: creates the directory the client checks run against, with
# the `skydir` command, while the server runs (so the change log is exercised too), and exports
# what the checks need as environment variables.
#
# Org A ("acme"), as JumpCloud admins set it up for Infisical, OneLogin and Bitwarden:
#   ldap-svc       binding service account (first/last name, username, email, description,
#                  password, "Enable as LDAP Bind DN")
#   alice bob carol dave   ordinary users connected through groups or directly
#   pwchange pwchange3   users who change their own password over LDAP
#   erin           exists but is not connected to LDAP
#   frank          connected (member of "Platform Team") but suspended
#   bulk00001..    BULK_USERS users imported from LDIF with --connect-ldap, in group "Bulk Users"
#   groups: "Platform Team" {alice, bob, frank}; "engineering" {carol, group "Platform Team"};
#           "all staff" {dave, group "engineering"}; all connected to LDAP.
# Org B ("globex"): the same usernames and group names, other passwords and emails, and one
#   more group "R&D, Ops" {bob, group "Platform Team"} whose DN needs escaping.
#
# Requires: sky (runs skydir on the suite's data dir), WORK, SLAPPASSWD.

SUFFIX="dc=jumpcloud,dc=com"
BULK_USERS=${BULK_USERS:-1100}
PW_SVC_A='Svc-Acme-Pass-2024'
PW_SVC_B='Svc-Globex-Pass-2024'
PW_A='Acme-User-Pass-77'
PW_B='Globex-User-Pass-88'
PW_OLD='Old-Pass-Word-11'
PW_NEW='New-Pass-Word-22'
PW_BULK='Bulk-Imported-33'

fixture_fail() {
  echo "FAIL - fixture: $1"
  echo "0 passed, 1 failed"
  exit 1
}

# fx DESCRIPTION ARGS...: runs skydir ARGS, aborting the suite when the CLI refuses.
fx() {
  local desc=$1; shift
  if ! sky "$@" >"$WORK/fx.out" 2>"$WORK/fx.err"; then
    fixture_fail "$desc: $(head -3 "$WORK/fx.err" "$WORK/fx.out" | tr '\n' ' ')"
  fi
}

json_field() { /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }

# make_org NAME SVC_PASSWORD USER_PASSWORD MAIL_DOMAIN: sets MADE_ORG to the new org's id.
make_org() {
  local org=$1 svc_pw=$2 pw=$3 dom=$4
  fx "org create $org" --json org create "$org"
  local id
  id=$(json_field id <"$WORK/fx.out")
  fx "service account in $org" user add "$org" ldap-svc --email "ldap-admin@$dom" \
    --first-name LDAP --last-name Service --description "Service account for LDAP bind/search" \
    --password "$svc_pw" --ldap-binding
  fx "connect ldap-svc in $org" ldap connect "$org" --user ldap-svc
  local u
  for u in alice:Alice:Anderson bob:Bob:Brown carol:Carol:Clark dave:Dave:Davis frank:Frank:Fisher; do
    IFS=: read -r name first last <<<"$u"
    fx "user $name in $org" user add "$org" "$name" --email "$name@$dom" --first-name "$first" \
      --last-name "$last" --password "$pw"
  done
  fx "group Platform Team in $org" group add "$org" "Platform Team"
  fx "group engineering in $org" group add "$org" engineering
  fx "group all staff in $org" group add "$org" "all staff"
  fx "alice in Platform Team" group add-member "$org" "Platform Team" --user alice
  fx "bob in Platform Team" group add-member "$org" "Platform Team" --user bob
  fx "frank in Platform Team" group add-member "$org" "Platform Team" --user frank
  fx "carol in engineering" group add-member "$org" engineering --user carol
  fx "Platform Team in engineering" group add-member "$org" engineering --group "Platform Team"
  fx "dave in all staff" group add-member "$org" "all staff" --user dave
  fx "engineering in all staff" group add-member "$org" "all staff" --group engineering
  local g
  for g in "Platform Team" engineering "all staff"; do
    fx "connect $g in $org" ldap connect "$org" --group "$g"
  done
  fx "connect dave in $org" ldap connect "$org" --user dave
  fx "suspend frank in $org" user suspend "$org" frank
  MADE_ORG=$id
}

make_org acme "$PW_SVC_A" "$PW_A" acme.example
ORG_A=$MADE_ORG
make_org globex "$PW_SVC_B" "$PW_B" globex.example
ORG_B=$MADE_ORG
# A group name that needs DN escaping, in org B only.
fx "group R&D, Ops in globex" group add globex "R&D, Ops"
fx "bob in R&D, Ops" group add-member globex "R&D, Ops" --user bob
fx "Platform Team in R&D, Ops" group add-member globex "R&D, Ops" --group "Platform Team"
fx "connect R&D, Ops" ldap connect globex --group "R&D, Ops"
fx "user erin (not connected)" user add acme erin --email erin@acme.example --first-name Erin \
  --last-name Evans --password "$PW_A"
for u in pwchange pwchange3; do  # change their own password with ldappasswd and ldap3
  fx "user $u" user add acme "$u" --email "$u@acme.example" --first-name Pat \
    --last-name Change --password "$PW_OLD"
  fx "connect $u" ldap connect acme --user "$u"
done

# More than 1,000 users for Bitwarden's sync, imported the way an operator migrates from
# OpenLDAP; one {SSHA} hash is shared so the import stays fast.
BULK_HASH=$("$SLAPPASSWD" -h '{SSHA}' -s "$PW_BULK")
awk -v n="$BULK_USERS" -v hash="$BULK_HASH" 'BEGIN {
  print "version: 1\n"
  for (i = 1; i <= n; i++) {
    printf "dn: uid=bulk%05d,ou=people,dc=old,dc=example\nobjectClass: inetOrgPerson\n", i
    printf "objectClass: posixAccount\nuid: bulk%05d\ncn: Bulk User %d\ngivenName: Bulk\n", i, i
    printf "sn: User%d\nmail: bulk%05d@acme.example\nuidNumber: %d\ngidNumber: %d\n", i, i, 20000 + i, 20000 + i
    printf "homeDirectory: /home/bulk%05d\nuserPassword: %s\n\n", i, hash
  }
  printf "dn: cn=Bulk Users,ou=groups,dc=old,dc=example\nobjectClass: groupOfNames\ncn: Bulk Users\n"
  for (i = 1; i <= n; i++) printf "member: uid=bulk%05d,ou=people,dc=old,dc=example\n", i
}' >"$WORK/bulk.ldif"
fx "import $BULK_USERS users" import acme "$WORK/bulk.ldif" --connect-ldap

export SUFFIX BULK_USERS ORG_A ORG_B PW_SVC_A PW_SVC_B PW_A PW_B PW_OLD PW_NEW PW_BULK
export BASE_A="o=$ORG_A,$SUFFIX" BASE_B="o=$ORG_B,$SUFFIX"
export USERS_A="ou=Users,o=$ORG_A,$SUFFIX" USERS_B="ou=Users,o=$ORG_B,$SUFFIX"
export SVC_A="uid=ldap-svc,ou=Users,o=$ORG_A,$SUFFIX" SVC_B="uid=ldap-svc,ou=Users,o=$ORG_B,$SUFFIX"
# Users visible in org A: ldap-svc alice bob carol dave pwchange pwchange3 + the bulk users.
export USERS_VISIBLE_A=$((7 + BULK_USERS))
# Groups visible in org A: Platform Team, engineering, all staff, Bulk Users.
export GROUPS_VISIBLE_A=4
