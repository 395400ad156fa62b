#!/usr/bin/env python3
"""mkman.py: a manual page from a Markdown page of the docs, through pandoc.

  mkman.py --pandoc PANDOC --name NAME --section N --summary TEXT
           --version V [--part HEADING] [--drop HEADING]... [--see PAGE]...
           SOURCE.md OUT

The docs stay the one source: the page is SOURCE (or its "## HEADING"
part) with its title replaced by NAME and DESCRIPTION, its "##" sections
made the page's sections, the sections named by --drop left out (tests,
internals), links to other docs pages turned into references to their
manual pages, and SEE ALSO added.
"""
import argparse
import os
import re
import subprocess
import sys

# the docs pages that have a manual page, by their path in the tree
PAGES = {
    "docs/dataplane.md": "nfvpn-dataplane(8)",
    "docs/nfvpnd.md": "nfvpnd(8)",
    "docs/cli.md": "nfvpnctl(8)",
    "docs/policy.md": "nfvpn-policy(5)",
    "docs/filter.md": "nfvpn-mirror(8)",
    "kernel/README.md": "nfvpn-steer(8)",
}
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")


def sections(lines):
    """Yields (level, title, start, end) of every heading outside code."""
    heads, fenced = [], False
    for i, line in enumerate(lines):
        if FENCE.match(line):
            fenced = not fenced
            continue
        m = None if fenced else HEADING.match(line)
        if m:
            heads.append((len(m.group(1)), m.group(2), i))
    for n, (level, title, start) in enumerate(heads):
        end = next((s for lv, _, s in heads[n + 1:] if lv <= level), len(lines))
        yield level, title, start, end


def part(lines, heading):
    for level, title, start, end in sections(lines):
        if title == heading:
            return lines[start:end]
    sys.exit("mkman: no heading '%s'" % heading)


def drop(lines, names):
    cut = [(s, e) for _, title, s, e in sections(lines) if title in names]
    return [line for i, line in enumerate(lines) if not any(s <= i < e for s, e in cut)]


def references(text, source):
    """Links and paths of other docs pages become their manual pages."""
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    here = os.path.dirname(os.path.relpath(os.path.abspath(source), top))

    def link(m):
        label, target = m.group(1), m.group(2)
        if re.match(r"[a-z]+:", target):
            return m.group(0)
        path = os.path.normpath(os.path.join(here, target.split("#")[0])) if target[0] != "#" else ""
        page = PAGES.get(path)
        return label + (" (%s)" % page if page and page not in label else "")
    text = re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", link, text)
    for path, page in PAGES.items():
        text = text.replace("`%s`" % path, page).replace(path, page)
    return text


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--pandoc", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--section", required=True)
    p.add_argument("--summary", required=True)
    p.add_argument("--version", required=True)
    p.add_argument("--part")
    p.add_argument("--drop", action="append", default=[])
    p.add_argument("--see", action="append", default=[])
    p.add_argument("source")
    p.add_argument("out")
    a = p.parse_args()

    with open(a.source, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if a.part:
        lines = part(lines, a.part)
    lines = drop(lines, set(a.drop))
    # the title goes; the text before the first section is the DESCRIPTION
    top = min((lv for lv, _, _, _ in sections(lines)), default=1)
    first = next(iter(sections(lines)), None)
    if first and first[0] == top:
        lines = lines[first[2] + 1:]
    body, fenced = [], False
    for line in lines:
        if FENCE.match(line):
            fenced = not fenced
        m = None if fenced else HEADING.match(line)
        if m:
            # the source's next level down makes the page's sections (.SH)
            level = max(1, len(m.group(1)) - top)
            title = m.group(2).upper() if level == 1 else m.group(2)
            line = "#" * level + " " + title
        body.append(line)
    text = "# NAME\n\n%s - %s\n\n# DESCRIPTION\n\n%s\n" % (
        a.name, a.summary, references("\n".join(body), a.source).strip())
    if a.see:
        text += "\n# SEE ALSO\n\n%s\n" % ", ".join("**%s**(%s)" % tuple(s[:-1].split("("))
                                                   for s in a.see)
    cmd = [a.pandoc, "--standalone", "--from", "gfm", "--to", "man",
           "--metadata", "title=" + a.name.upper(), "--metadata", "section=" + a.section,
           "--metadata", "header=nfvpn manual",
           "--metadata", "footer=nfvpn " + a.version,
           "--output", a.out]
    subprocess.run(cmd, input=text, universal_newlines=True, check=True)
    with open(a.out, encoding="utf-8") as f:
        page = f.read()
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(room_for_tables(page))


def room_for_tables(page):
    """Before each table, in man's continuous rendering for terminals
    (-rcR=1), grow the one long page by as much as the table could take.
    tbl checks each text block (T{ ... T}) against the distance to the
    end of the page before an.tmac's .ne would grow it, and says "table
    text block will not fit on one page" for whichever row lands near that
    end. Paged output (-rcR=0) is left as it is."""
    out, table = [], None
    for line in page.split("\n"):
        if line.startswith(".TS"):
            table = []
        if table is None:
            out.append(line)
            continue
        table.append(line)
        if line.startswith(".TE"):
            text = [t for t in table if not t.startswith((".", "T{", "T}"))]
            # each source line, and a line for every 10 characters it
            # could wrap into in a narrow column: more than enough
            lines = sum(1 + len(t) // 10 for t in text)
            out.append(".if \\n[cR] .ne %dv" % lines)
            out.extend(table)
            table = None
    return "\n".join(out + (table or []))


if __name__ == "__main__":
    main()
