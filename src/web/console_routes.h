// Serves the admin console (issue 8): GET / answers index.html and GET /assets/{name} the other
// embedded files, with their Content-Type, an ETag (304 on If-None-Match), "Cache-Control:
// no-cache" (always revalidated, so an upgrade shows at once) and a strict Content-Security-
// Policy: everything from this origin, no inline script or style, no framing.
//
// The pages talk only to the /api routes; the session routes are api/console_api.cc.
#pragma once

#include "http/router.h"

namespace skydir::web {

inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

// Adds the routes; unauthenticated and answered on the I/O thread (no blocking work).
void AddConsoleAssetRoutes(http::Router& router);

}  // namespace skydir::web
