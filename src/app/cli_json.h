// JSON and text renderings of model objects for `skydir --json` and plain output.
// Boost.JSON is compiled into the binary by cli_json.cc (header-only mode, <boost/json/src.hpp>).
// Password hashes and API key hashes are never rendered.
#pragma once

#include <iosfwd>
#include <string>

#include <boost/json.hpp>

#include "directory/model.h"
#include "service/admin.h"

namespace skydir::app {

boost::json::object OrgJson(const directory::Organization& org);
boost::json::object UserJson(const directory::User& user);
boost::json::object GroupJson(const directory::Group& group);
boost::json::object ApiKeyJson(const directory::ApiKey& key);
boost::json::object ImportReportJson(const service::ImportReport& report);

// One JSON document and a newline on stdout.
void PrintJson(const boost::json::value& value);

// Prints "key: value" lines of a flat JSON object, aligned, skipping nulls and empty strings.
void PrintFields(const boost::json::object& object);

}  // namespace skydir::app
