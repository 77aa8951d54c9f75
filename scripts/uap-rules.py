#!/usr/bin/env python3
"""Compile the browser, system and device rules into C: uap-core's
regexes.yaml and blogstat's device classes become build/gen/uap_rules.c
(include/uap_rules.h says what it holds).

    uap-rules.py REGEXES.yaml DEVICES.txt BROWSERS.txt > uap_rules.c

From regexes.yaml it keeps, in order, each rule of user_agent_parsers
(its regex and family_replacement) and of os_parsers (its regex and
os_replacement); the versions and the device models are not used. Each
rule also gets the longest literal text that every match of it contains
(src/uagent.c looks for it before running the rule: most rules are then
skipped with one memchr/memcmp scan). DEVICES.txt gives the device
classes, "CLASS PATTERN" a line; BROWSERS.txt blogstat's own browser
rules, "FAMILY | PATTERN" a line, tried before uap-core's.

Every rule is compiled here with the PCRE2 library the program links,
with the options src/uagent.c gives it: a rule that does not compile
fails the build. Without libpcre2-8 (no such library to load), Python's
re checks them instead.
"""
import ctypes
import ctypes.util
import re
import sys

import yaml

try:                                    # the parser of Python's re
    import re._parser as sre_parse      # Python >= 3.11
    import re._constants as sre_const
except ImportError:                     # pragma: no cover
    import sre_parse
    import sre_constants as sre_const

DEVICE_CLASSES = ("desktop", "mobile", "tablet", "tv", "console", "other")
PCRE2_CASELESS = 0x00000008


def c_string(s):
    """s as a C string literal: printable ASCII as is, other bytes octal."""
    out = []
    for b in s.encode("utf-8"):
        ch = chr(b)
        if ch in '\\"':
            out.append("\\" + ch)
        elif 0x20 <= b < 0x7f and ch != "?":    # "?" would start trigraphs
            out.append(ch)
        else:
            out.append("\\%03o" % b)
    return '"' + "".join(out) + '"'


def c_or_null(s):
    return "NULL" if s is None else c_string(s)


class Pcre2:
    """pcre2_compile() of the installed libpcre2-8, through ctypes."""

    def __init__(self):
        name = ctypes.util.find_library("pcre2-8")
        self.lib = ctypes.CDLL(name) if name else None
        if self.lib:
            self.lib.pcre2_compile_8.restype = ctypes.c_void_p
            self.lib.pcre2_compile_8.argtypes = [
                ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint32,
                ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_size_t),
                ctypes.c_void_p]
            self.lib.pcre2_code_free_8.argtypes = [ctypes.c_void_p]
            self.lib.pcre2_get_error_message_8.argtypes = [
                ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t]

    def error(self, pattern, caseless):
        """None when pattern compiles, else the reason."""
        if not self.lib:
            try:
                re.compile(pattern, re.I if caseless else 0)
                return None
            except re.error as e:
                return str(e)
        raw = pattern.encode("utf-8")
        err, off = ctypes.c_int(), ctypes.c_size_t()
        code = self.lib.pcre2_compile_8(raw, len(raw),
                                        PCRE2_CASELESS if caseless else 0,
                                        ctypes.byref(err), ctypes.byref(off),
                                        None)
        if code:
            self.lib.pcre2_code_free_8(code)
            return None
        msg = ctypes.create_string_buffer(256)
        self.lib.pcre2_get_error_message_8(err.value, msg, len(msg))
        return "%s at offset %d" % (msg.value.decode(), off.value)


def required_literal(pattern, caseless):
    """The longest run of literal characters that every match of pattern
    contains ("" when none can be told): the top-level sequence, with
    groups of one branch opened and a repeat of at least one kept once."""
    if caseless:
        return ""
    try:
        tree = sre_parse.parse(pattern)
    except re.error:
        return ""
    if tree.state.flags & re.I:
        return ""
    best, run = [""], []

    def flush():
        text = "".join(run)
        if len(text) > len(best[0]):
            best[0] = text
        run.clear()

    def walk(seq):
        for op, av in seq:
            if op is sre_const.LITERAL and av < 0x80:
                run.append(chr(av))
            elif op is sre_const.SUBPATTERN and not av[1] & re.I:
                walk(av[-1])
            elif op in (sre_const.MAX_REPEAT, sre_const.MIN_REPEAT) \
                    and av[0] >= 1:
                flush()         # one copy is certain, its end is not
                walk(av[2])
                flush()
            elif op is sre_const.AT:
                continue        # an anchor matches no text
            else:
                flush()
    walk(tree)
    flush()
    return best[0]


def parsers(data, key, repl_key, pcre, path):
    """(regex, replacement, literal) of each rule of data[key]."""
    rules = []
    for i, r in enumerate(data.get(key) or ()):
        pattern = r["regex"]
        caseless = r.get("regex_flag") == "i"
        if caseless:
            sys.exit("%s: %s rule %d: regex_flag is not read for this list"
                     % (path, key, i + 1))
        why = pcre.error(pattern, False)
        if why:
            sys.exit("%s: %s rule %d does not compile: %s (%s)"
                     % (path, key, i + 1, why, pattern))
        repl = r.get(repl_key)
        if repl is not None and not isinstance(repl, str):
            repl = str(repl)
        rules.append((pattern, repl, required_literal(pattern, False)))
    return rules


def device_rules(path, pcre):
    """(class, pattern) of each line of the device rules file."""
    rules = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 1)
            if len(parts) != 2 or parts[0] not in DEVICE_CLASSES:
                sys.exit("%s:%d: expected a class (%s) and a pattern"
                         % (path, lineno, " ".join(DEVICE_CLASSES)))
            why = pcre.error(parts[1], True)
            if why:
                sys.exit("%s:%d: the pattern does not compile: %s"
                         % (path, lineno, why))
            rules.append(tuple(parts))
    return rules


def browser_rules(path, pcre):
    """(pattern, family, literal) of each line of blogstat's own browser
    rules."""
    rules = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            family, sep, pattern = line.partition(" | ")
            if not sep or not family.strip() or not pattern.strip():
                sys.exit("%s:%d: expected FAMILY | PATTERN" % (path, lineno))
            why = pcre.error(pattern.strip(), False)
            if why:
                sys.exit("%s:%d: the pattern does not compile: %s"
                         % (path, lineno, why))
            rules.append((pattern.strip(), family.strip(),
                          required_literal(pattern.strip(), False)))
    return rules


def print_rules(name, rules):
    print("const struct uap_rule %s[] = {" % name)
    for pattern, repl, lit in rules:
        print("    {%s,\n     %s, %s, %d}," % (c_string(pattern),
              c_or_null(repl), c_string(lit), len(lit.encode("utf-8"))))
    print("};")
    print("const size_t %s_n = %d;\n" % (name, len(rules)))


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: uap-rules.py REGEXES.yaml DEVICES.txt BROWSERS.txt")
    yaml_path, devices_path, own_path = sys.argv[1:]
    pcre = Pcre2()
    with open(yaml_path, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    browsers = browser_rules(own_path, pcre) + parsers(
        data, "user_agent_parsers", "family_replacement", pcre, yaml_path)
    systems = parsers(data, "os_parsers", "os_replacement", pcre, yaml_path)
    devices = device_rules(devices_path, pcre)
    if not browsers or not systems:
        sys.exit("%s: no user_agent_parsers or os_parsers" % yaml_path)
    print("/* Generated by scripts/uap-rules.py from %s, %s and %s. */"
          % (yaml_path, devices_path, own_path))
    print('#include "uap_rules.h"\n')
    print_rules("uap_browser_rules", browsers)
    print_rules("uap_system_rules", systems)
    print("const struct uap_device_rule uap_device_rules[] = {")
    for cls, pattern in devices:
        print("    {%s, %d}," % (c_string(pattern), DEVICE_CLASSES.index(cls)))
    print("};")
    print("const size_t uap_device_rules_n = %d;" % len(devices))


if __name__ == "__main__":
    main()
