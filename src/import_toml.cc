/*
 * import_toml.cc - TOML front matter read with toml++ (Debian's
 * libtomlplusplus, C++17), handed to C through import_toml.h.
 *
 * Nothing C++ crosses the boundary: every exception (a parse error, no
 * memory) is caught here and becomes -1 and a message, and the values go
 * to the C callback as NUL-terminated strings that live for the call.
 * toml++ bounds the nesting of arrays and tables itself.
 */
#include "import_toml.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include <toml++/toml.h>

namespace {

/* "YYYY-MM-DD" of d into buf (at least 11 bytes). */
void put_date(const toml::date &d, char *buf, size_t cap)
{
    std::snprintf(buf, cap, "%04u-%02u-%02u", unsigned(d.year),
                  unsigned(d.month), unsigned(d.day));
}

/*
 * The text of a value the front matter can use, into buf; false for the
 * kinds that carry nothing for a page (tables, arrays, floats). A
 * date-time keeps its date and time as written: its offset says nothing
 * of the day it names.
 */
bool value_text(const toml::node &v, std::string &out)
{
    char buf[64];

    if (auto s = v.as_string()) {
        out = s->get();
        return true;
    }
    if (auto b = v.as_boolean()) {
        out = b->get() ? "true" : "false";
        return true;
    }
    if (auto i = v.as_integer()) {
        out = std::to_string(i->get());
        return true;
    }
    if (auto d = v.as_date()) {
        put_date(d->get(), buf, sizeof(buf));
        out = buf;
        return true;
    }
    if (auto dt = v.as_date_time()) {
        const toml::date_time &t = dt->get();
        size_t n;

        put_date(t.date, buf, sizeof(buf));
        n = std::strlen(buf);
        std::snprintf(buf + n, sizeof(buf) - n, "T%02u:%02u:%02u",
                      unsigned(t.time.hour), unsigned(t.time.minute),
                      unsigned(t.time.second));
        out = buf;
        return true;
    }
    return false;
}

void set_msg(char *msg, size_t cap, std::string_view what)
{
    if (cap == 0)
        return;
    size_t n = what.size() < cap - 1 ? what.size() : cap - 1;

    std::memcpy(msg, what.data(), n);
    msg[n] = '\0';
}

} // namespace

extern "C" int import_toml_fields(const char *text, size_t n, fm_field_fn fn,
                                  void *ctx, unsigned *line, char *msg,
                                  size_t msgcap)
{
    *line = 0;
    try {
        toml::table tbl = toml::parse(std::string_view(text, n));
        std::string v;

        for (auto &&[k, node] : tbl) {
            std::string key(k.str());

            if (auto arr = node.as_array()) {
                fn(ctx, key.c_str(), FM_LIST, nullptr, 0);
                for (auto &&e : *arr)
                    if (value_text(e, v))
                        fn(ctx, key.c_str(), FM_ITEM, v.c_str(), v.size());
            } else if (value_text(node, v)) {
                fn(ctx, key.c_str(), FM_SCALAR, v.c_str(), v.size());
            }
        }
        return 0;
    } catch (const toml::parse_error &e) {
        *line = unsigned(e.source().begin.line);
        set_msg(msg, msgcap, e.description());
    } catch (const std::exception &e) {
        set_msg(msg, msgcap, e.what());
    } catch (...) {
        set_msg(msg, msgcap, "unknown error");
    }
    return -1;
}
