#pragma once
// Server-rendered pages: mustache templates embedded from web/templates, the layout with
// navigation by role, the language catalogue, hashed asset URLs, flash messages.
#include <string>

#include <mstch/mstch.hpp>

#include "http/http.hpp"
#include "web/host.hpp"

namespace sdelka::web {

// Adds a link to the main navigation (an entry with the same href is replaced). Before serving.
void add_nav_entry(NavEntry entry);
// Renders templates/<name>.mustache with `data` inside the layout. `title_key` is a catalogue key.
// The context gets: t (catalogue), csrf, user, nav, lang, assets, flash.
http::Response page(http::Request& req, int status, const std::string& name, mstch::map data,
                    const std::string& title_key);
// Renders a fragment without the layout (for htmx swaps).
std::string fragment(http::Request& req, const std::string& name, mstch::map data);
// The error page for an ApiError on an HTML route.
http::Response error_page(http::Request& req, const http::ApiError& e);
// Adds Secure to the cookies set here (flash) when the site is served over HTTPS; set once at start.
void set_cookies_secure(bool secure);
// Sets a one-shot flash message (shown on the next page) on a response.
void set_flash(http::Response& r, const std::string& kind, const std::string& text);
// Field errors as a template map: {"errors.<field>": message} flattened into "err_<field>".
mstch::map field_errors(const http::ApiError& e);

// Hashed URL of an embedded static file ("app.css" → "/static/app.3f2a9c1b.css").
std::string asset_url(const std::string& name);
// Serves /static/{file}: immutable caching, ETag; 404 for unknown names or stale hashes.
http::Response serve_asset(const http::Request& req);

}  // namespace sdelka::web
