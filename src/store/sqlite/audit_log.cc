#include "store/sqlite/audit_log.h"

#include <string>

#include "common/time.h"

namespace skydir::store::sqlite {

Status InsertAuditEvent(Connection& conn, const AuditEvent& e) {
  SKYDIR_ASSIGN_OR_RETURN(
      Statement insert,
      conn.Prepare("INSERT INTO audit_events (time, org_id, service, event_type, success, "
                   "actor_type, actor, client_ip, target_type, target_id, detail_json) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  return insert.Bind(e.time ? e.time : NowMicros())
      .Bind(e.org_id)
      .Bind(e.service)
      .Bind(e.event_type)
      .Bind(e.success)
      .Bind(e.actor_type)
      .Bind(e.actor)
      .Bind(e.client_ip)
      .Bind(e.target_type)
      .Bind(e.target_id)
      .Bind(e.detail_json.empty() ? std::string_view("{}") : std::string_view(e.detail_json))
      .Run();
}

Result<std::vector<AuditEvent>> SelectAuditEvents(Connection& conn, const AuditQuery& q) {
  // One statement whose optional conditions are switched off by their parameters, so it is
  // prepared once and cached.
  SKYDIR_ASSIGN_OR_RETURN(
      Statement select,
      conn.Prepare(
          "SELECT id, time, org_id, service, event_type, success, actor_type, actor, client_ip, "
          "target_type, target_id, detail_json FROM audit_events "
          "WHERE (?1 = '' OR org_id = ?1) AND time >= ?2 AND time < ?3 "
          "AND (?4 = '' OR instr(?4, ',' || service || ',') > 0) "
          "AND (?5 = '' OR instr(actor, ?5) OR instr(target_id, ?5) OR instr(event_type, ?5) "
          "     OR instr(detail_json, ?5) OR instr(client_ip, ?5)) "
          "AND (?6 = 0 OR id < ?6) ORDER BY id DESC LIMIT ?7"));
  std::string services;
  for (const std::string& s : q.services) services += "," + s;
  if (!services.empty()) services += ",";
  select.Bind(q.org_id)
      .Bind(q.start_time)
      .Bind(q.end_time > 0 ? q.end_time : NowMicros() + 1)
      .Bind(services)
      .Bind(q.search_term)
      .Bind(q.after_id)
      .Bind(static_cast<int64_t>(q.limit));
  std::vector<AuditEvent> out;
  for (;;) {
    SKYDIR_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return out;
    AuditEvent e;
    e.id = select.Int(0);
    e.time = select.Int(1);
    e.org_id = select.Text(2);
    e.service = select.Text(3);
    e.event_type = select.Text(4);
    e.success = select.Bool(5);
    e.actor_type = select.Text(6);
    e.actor = select.Text(7);
    e.client_ip = select.Text(8);
    e.target_type = select.Text(9);
    e.target_id = select.Text(10);
    e.detail_json = select.Text(11);
    out.push_back(std::move(e));
  }
}

Result<int64_t> DeleteAuditEventsBefore(Connection& conn, int64_t before) {
  SKYDIR_ASSIGN_OR_RETURN(Statement del, conn.Prepare("DELETE FROM audit_events WHERE time < ?"));
  SKYDIR_RETURN_IF_ERROR(del.Bind(before).Run());
  return conn.Changes();
}

}  // namespace skydir::store::sqlite
