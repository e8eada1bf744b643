#!/usr/bin/env python3
"""check.py SRCDIR OUT — the assertions of tests/parity/run.sh (which says
what they pin). OUT/default and OUT/edited hold what run.sh rendered; the
snapshot JSON is the reference every other surface is compared with.
Prints one "ok - ..." or "not ok - ..." line per assertion, exits 1 if any
failed."""
import glob
import html.parser
import json
import os
import re
import subprocess
import sys

import jsonschema
try:  # jsonschema >= 4.18 resolves $ref through `referencing`
    from referencing import Registry, Resource
except ImportError:  # Debian's python3-jsonschema (4.10): RefResolver
    Registry = Resource = None

SRC, OUT = sys.argv[1], sys.argv[2]
RESULTS = {"ok": 0, "fail": 0}


def check(name, cond, detail=""):
    if cond:
        RESULTS["ok"] += 1
        print("ok - " + name)
    else:
        RESULTS["fail"] += 1
        print("not ok - " + name)
        if detail:
            for line in str(detail).splitlines()[:40]:
                print("# " + line)
    return cond


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def load(path):
    return json.loads(read(path))


# ---- schemas: every document is valid against data/*.schema.json ---------------

SNAP = load(os.path.join(SRC, "data/snapshot.schema.json"))
CMDS = load(os.path.join(SRC, "data/commands.schema.json"))
if Registry is not None:
    REGISTRY = Registry().with_resources(
        [(SNAP["$id"], Resource.from_contents(SNAP)), (CMDS["$id"], Resource.from_contents(CMDS))])


def make_validator(schema):
    """A 2020-12 validator that finds the other schema file by its $id."""
    if Registry is not None:
        return jsonschema.Draft202012Validator(schema, registry=REGISTRY)
    store = {SNAP["$id"]: SNAP, CMDS["$id"]: CMDS}
    resolver = jsonschema.RefResolver.from_schema(schema, store=store)
    return jsonschema.Draft202012Validator(schema, resolver=resolver)


def validator_for(doc):
    """The schema a document names: shipdeck.snapshot/N is the snapshot's,
    shipdeck.deploy-list/1 is $defs/deploy_list of the commands' file."""
    name = doc.get("schema", "") if isinstance(doc, dict) else ""
    if name.startswith("shipdeck.snapshot/"):
        return make_validator(SNAP)
    kind = name.removeprefix("shipdeck.").split("/")[0].replace("-", "_")
    if kind not in CMDS["$defs"]:
        return None
    ref = {"$ref": CMDS["$id"] + "#/$defs/" + kind}
    return make_validator(ref)


def schema_errors(doc):
    v = validator_for(doc)
    if v is None:
        return ["no schema named %r" % (doc.get("schema") if isinstance(doc, dict) else None)]
    return ["%s: %s" % ("/".join(map(str, e.absolute_path)), e.message[:200]) for e in v.iter_errors(doc)]


def check_schemas(d, names):
    for path in sorted(glob.glob(os.path.join(d, "*.json"))):
        doc = load(path)
        names.add(doc.get("schema"))
        errs = schema_errors(doc)
        check("schema: %s/%s is a valid %s" % (os.path.basename(d), os.path.basename(path),
                                                 doc.get("schema")), not errs, "\n".join(errs))


def check_validator_rejects(d):
    """The validation can fail: a wrong word, a missing field, a number
    written as a string, an unknown member are each refused."""
    snap = load(os.path.join(d, "snapshot.json"))
    bad = json.loads(json.dumps(snap))
    bad["deployments"][0]["status"] = "FAILED"
    check("schema: a deployment status 'FAILED' is refused", schema_errors(bad))
    bad = json.loads(json.dumps(snap))
    bad["dora"]["lead_time"]["median_hours"] = "71"
    check("schema: a number written as a string is refused", schema_errors(bad))
    inc = load(os.path.join(d, "incident-list.json"))
    del inc["incidents"][0]["state"]
    check("schema: an incident without its state is refused", schema_errors(inc))
    dl = load(os.path.join(d, "deploy-list.json"))
    dl["deployments"][0]["colour"] = "red"
    check("schema: an undocumented member is refused", schema_errors(dl))


# ---- markdown: it renders -------------------------------------------------------------


class Html(html.parser.HTMLParser):
    """Text outside code spans, the code spans, tables, list items and the
    rows of each table."""

    def __init__(self):
        super().__init__()
        self.text, self.codes, self.items, self.tables = [], [], [], []
        self.in_code = 0
        self.item = None
        self.row = None

    def handle_starttag(self, tag, attrs):
        if tag == "code":
            self.in_code += 1
            self.codes.append("")
        elif tag == "li":
            self.item = ""
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.row.append("")

    def handle_endtag(self, tag):
        if tag == "code":
            self.in_code -= 1
        elif tag == "li" and self.item is not None:
            self.items.append(self.item)
            self.item = None
        elif tag == "tr" and self.row is not None and self.tables:
            self.tables[-1].append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.in_code:
            self.codes[-1] += data
        else:
            self.text.append(data)
        if self.item is not None:
            self.item += data
        if self.row:
            self.row[-1] += data


def check_markdown(d, snap):
    md = os.path.join(d, "snapshot.md")
    html_out = subprocess.run(["cmark-gfm", "-e", "table", md], capture_output=True, text=True,
                              check=True).stdout
    h = Html()
    h.feed(html_out)
    text = "".join(h.text)
    check("markdown: no literal ** in the rendered text", "**" not in text, text[:2000])
    check("markdown: no literal | in the rendered text", "|" not in text, text[:2000])
    heads = [t[0] for t in h.tables if t]
    check("markdown: features, builds, scorecard and deployments are tables", len(h.tables) >= 4,
          html_out[:3000])
    check("markdown: the scorecard is a table with its five metrics",
          any(len(t) == 6 and t[0][0].strip() == "Metric" for t in h.tables), heads)
    for inc in snap["incidents"][:5]:
        check("markdown: incident #%d is a list item" % inc["id"],
              any(i.lstrip().startswith("#%d " % inc["id"]) for i in h.items), h.items)
    for f in snap["features"]:
        if f["attention"]:
            check("markdown: %s needs attention in a list item" % f["key"],
                  any(i.startswith(f["key"] + " ") and ", ".join(a for a in f["flags"] if a in (
                      "overdue", "not-ready", "stale-phase", "no-go")) in i for i in h.items), h.items)
    # The trend sparklines are code spans of exactly twelve cells: blanks kept.
    sparks = [c for c in h.codes if len(c) == 12 and set(c) <= set(" ▁▂▃▄▅▆▇█")]
    check("markdown: four 12-week sparklines keep their blanks (code spans)", len(sparks) >= 4, h.codes)
    weekly = snap["dora"]["weekly"]
    blanks = sum(1 for w in weekly if w["lead_time_median_hours"] is None)
    lead = [r for t in h.tables for r in t if r and r[0].strip() == "Lead time (median)"]
    check("markdown: the lead time sparkline has a blank per week without data (%d)" % blanks,
          lead and any(c.count(" ") == blanks and len(c) == 12 for c in h.codes if c in lead[0][-1]),
          (lead, h.codes))
    built = sum(1 for w in snap["builds"]["weekly"] if w["count"])
    rows = [t for t in h.tables if t and t[0][0].strip() == "week"]
    check("markdown: the build table lists only the %d weeks that had builds" % built,
          rows and len(rows[0]) - 1 == built, rows)


# ---- parity ---------------------------------------------------------------------------------


def lines_with(texts, needle):
    return [ln for t in texts for ln in t.splitlines() if needle in ln]


def screens(d, pattern):
    return [read(p) for p in sorted(glob.glob(os.path.join(d, pattern)))]


STATES = ("scheduled", "in-progress", "succeeded", "failed", "restored", "rolled-back")


def states_in(row):
    """The deployment state words a row says, as whole words."""
    return [w for w in STATES if re.search(r"(^|[\s(|])" + re.escape(w) + r"($|[\s,)|])", row)]


def check_deployments(d, snap, label):
    txt, md = read(os.path.join(d, "snapshot.txt")), read(os.path.join(d, "snapshot.md"))
    listed = load(os.path.join(d, "deploy-list.json"))["deployments"]
    for dep in snap["deployments"]:
        sha, word = dep["commit"][:7], dep["status"]
        what = "%s: deployment %s (%s) reads '%s'" % (label, dep["ref"], sha, word)
        rows = lines_with([txt], sha)[:1] + lines_with([md], sha)[:1]
        for size in ("80x24", "160x50"):
            rows += lines_with(screens(d, "dora*-%s.screen" % size), sha)
            rows += lines_with(screens(d, "deploys-%s*.screen" % size), sha)
        wrong = [r for r in rows if states_in(r) != [word]]
        check(what + " in the snapshots and the panes", rows and not wrong, "\n".join(wrong or rows))
        wide = lines_with(screens(d, "dora*-160x50.screen"), sha) + lines_with(
            screens(d, "deploys-160x50*.screen"), sha)
        check(what + ": both panes list it at 160x50", len(wide) >= 2, "\n".join(wide))
        for rec in listed:
            if rec["env"] == "production" and rec["commit"] == dep["commit"]:
                check(what + " in deploy list --json", rec["status"] == word, rec)
        for rec in snap["deploys_recent"]:
            if rec["commit"] == dep["commit"]:
                check(what + " in the last 7 days", rec["status"] == word, rec)
    canary = [x for x in snap["deployments"] if x["ref"] == "v1.12.0"]
    check(label + ": the canary an incident names is failed (JSON)",
          canary and canary[0]["status"] == "failed" and canary[0]["failed_because"] == "incident", canary)
    restored = [x for x in snap["deployments"] if x["ref"] == "v1.7.0"]
    check(label + ": v1.7.0 failed and was restored by v1.7.1",
          restored and restored[0]["status"] == "restored" and restored[0]["restored_by"] == "v1.7.1",
          restored)
    rework = [x for x in snap["deployments"] if x["ref"] == "v1.7.1"]
    check(label + ": v1.7.1 is rework", rework and rework[0]["rework"], rework)


def check_incidents(d, snap, label):
    listed = {i["id"]: i for i in load(os.path.join(d, "incident-list.json"))["incidents"]}
    txt, md = read(os.path.join(d, "snapshot.txt")), read(os.path.join(d, "snapshot.md"))
    check(label + ": the same incidents in the snapshot and incident list",
          sorted(listed) == sorted(i["id"] for i in snap["incidents"]), (sorted(listed), snap["incidents"]))
    for inc in snap["incidents"]:
        head = "#%d %s %s" % (inc["id"], inc["severity"], inc["state"])
        what = "%s: incident #%d reads '%s'" % (label, inc["id"], inc["state"])
        check(what + " in incident list --json", inc["id"] in listed and listed[inc["id"]]["state"] ==
              inc["state"] and listed[inc["id"]]["open"] == inc["open"], listed.get(inc["id"]))
        if inc is not None and snap["incidents"].index(inc) < 5:
            check(what + " in the text and markdown snapshots",
                  head in txt and head in md, "\n".join(lines_with([txt, md], "#%d " % inc["id"])))
        rows = lines_with(screens(d, "deploys-160x50*.screen"), "#%d %s" % (inc["id"], inc["severity"]))
        check(what + " in the deploys pane", rows and all(head in r for r in rows), "\n".join(rows))
    late = [i for i in snap["incidents"] if i["title"].startswith("Checkout slow")]
    check(label + ": an incident restored after now is open everywhere",
          late and late[0]["open"] and listed[late[0]["id"]]["open"], late)


def check_sources(d, snap, label):
    """docs/metrics.md §1b: an imported record says its tool on every surface."""
    listed = load(os.path.join(d, "deploy-list.json"))["deployments"]
    incs = {i["id"]: i for i in load(os.path.join(d, "incident-list.json"))["incidents"]}
    txt, md = read(os.path.join(d, "snapshot.txt")), read(os.path.join(d, "snapshot.md"))
    imported = [x for x in snap["deployments"] if x["source"] not in ("tag", "record")]
    check(label + ": the imported GitHub deployment is in the snapshot", [x["source"] for x in imported]
          == ["github"] and imported[0]["origin"] == "acme/storefront", imported)
    for dep in imported:
        sha = dep["commit"][:7]
        what = "%s: deployment %s reads source %s" % (label, sha, dep["source"])
        rec = [r for r in listed if r["commit"] == dep["commit"] and r["env"] == "production"]
        check(what + " in deploy list --json", rec and rec[0]["source"] == dep["source"] and
              rec[0]["origin"] == dep["origin"], rec)
        recent = [r for r in snap["deploys_recent"] if r["commit"] == dep["commit"]]
        check(what + " in the last 7 days", recent and recent[0]["source"] == dep["source"], recent)
        rows = lines_with([txt, md], dep["source"])
        rows += lines_with(screens(d, "deploys-160x50*.screen"), sha)
        check(what + " in the snapshots and the deploys pane", len(rows) >= 3 and
              all(dep["source"] in r for r in rows), "\n".join(rows))
        check(what + ": a failed import counts as failed", dep["failed"] and rec and
              rec[0]["recorded_status"] == "failed", (dep, rec))
    pd = [i for i in snap["incidents"] if i["source"] == "pagerduty"]
    check(label + ": the imported PagerDuty incident is in the snapshot", len(pd) == 1 and
          pd[0]["origin"] == "Storefront" and pd[0]["open"], pd)
    for inc in snap["incidents"]:
        what = "%s: incident #%d reads source %s" % (label, inc["id"], inc["source"])
        check(what + " in incident list --json", incs[inc["id"]]["source"] == inc["source"], incs[inc["id"]])
        rows = lines_with(screens(d, "deploys-160x50*.screen"), "#%d %s" % (inc["id"], inc["severity"]))
        if snap["incidents"].index(inc) < 5:
            rows += lines_with([txt, md], "#%d %s" % (inc["id"], inc["severity"]))
        tag = "(from %s)" % inc["source"]
        check(what + " in the snapshots and the deploys pane", rows and all(
            (tag in r) == (inc["source"] != "record") for r in rows), "\n".join(rows))


def check_rollback(d, snap, label):
    """docs/metrics.md §3b: the hand-recorded deployment of v1.9.0^2 a day
    after v1.9.0 rolls it back: v1.9.0 restored after 24 h, "rolled back by"
    the rollback's ref on every line that shows v1.9.0, the rollback rework."""
    rsha = read(os.path.join(OUT, "fixture", "rollback-commit.txt")).strip()
    rb = [x for x in snap["deployments"] if x["commit"] == rsha]
    failed = [x for x in snap["deployments"] if x["failed_because"] == "rollback"]
    check(label + ": the rollback is a deployment of its own, rework, shipping nothing",
          len(rb) == 1 and rb[0]["rework"] and rb[0]["changes"] == 0, rb)
    check(label + ": v1.9.0 is the one deployment rolled back, restored by it after 24 h",
          [x["ref"] for x in failed] == ["v1.9.0"] and rb and failed[0]["restored_by"] == rb[0]["ref"] and
          failed[0]["status"] == "restored" and failed[0]["restore_hours"] == 24, failed)
    if not (rb and failed):
        return
    txt, md = read(os.path.join(d, "snapshot.txt")), read(os.path.join(d, "snapshot.md"))
    sha = failed[0]["commit"][:7]
    rows = lines_with([txt], sha)[:1] + lines_with([md], sha)[:1]
    rows += lines_with(screens(d, "dora*-160x50.screen"), sha)
    rows += lines_with(screens(d, "deploys-160x50*.screen"), sha)
    said = "rolled back by " + rb[0]["ref"]
    check(label + ": v1.9.0's line says '%s' in the snapshots and the panes" % said,
          len(rows) >= 4 and all(said in r for r in rows), "\n".join(rows))


ATTENTION = ("overdue", "not-ready", "stale-phase", "no-go")


def check_features(d, snap, label):
    listed = {f["key"]: f for f in load(os.path.join(d, "feature-list.json"))["features"]}
    txt, md = read(os.path.join(d, "snapshot.txt")), read(os.path.join(d, "snapshot.md"))
    board = lines_with(screens(d, "board-160x50.screen"), "Needs attention")
    count = sum(1 for f in snap["features"] if f["attention"])
    for f in snap["features"]:
        key, flags = f["key"], f["flags"]
        what = "%s: %s flags [%s]" % (label, key, ", ".join(flags))
        check(what + " in feature list --json", key in listed and listed[key]["flags"] == flags and
              listed[key]["attention"] == f["attention"], listed.get(key))
        gate = os.path.join(d, "gate-%s.json" % key)
        if os.path.exists(gate):
            g = load(gate)
            check(what + " in gate --json", g["flags"] == flags and g["gate"] == f["gate"], g)
        words = ", ".join(flags)
        rows = [r for r in md.splitlines() if r.startswith("| ") and "| %s |" % key in r]
        check(what + " in the markdown table", rows and rows[0].rstrip().endswith("| %s |" % words)
              if words else rows and rows[0].rstrip().endswith("|  |"), rows)
        at = [i for i, ln in enumerate(txt.splitlines()) if ln.startswith("  " + key + " ")]
        near = "\n".join(txt.splitlines()[at[0]:at[0] + 2]) if at else ""
        check(what + " in the text snapshot", at and words in near, near)
        # the days against the norm, with its unit, are never cut (80 columns)
        days = f.get("days_label")
        if days:
            check("%s: %s's '%s' whole in the text snapshot" % (label, key, days), at and days in near, near)
        first = [w for w in flags if w in ATTENTION]
        named = re.search(r"\b%s (\S+?)(,|…|$)" % re.escape(key), board[0]) if board else None
        if first and named and named.group(2) != "…":  # a name cut at the edge says nothing
            check("%s: the board names %s %s" % (label, key, first[0]), named.group(1) == first[0], board)
        elif not first:
            check("%s: the board does not name %s" % (label, key), not named, board)
    if board and count:
        shown = re.findall(r"\b(FEAT-\d+) ", board[0])
        check(label + ": the board's attention line starts with the features the snapshot lists",
              shown and shown == [f["key"] for f in snap["features"] if f["attention"]][:len(shown)],
              (shown, board))
    check(label + ": the snapshot counts %d features needing attention" % count,
          snap["attention"]["features"] == count, snap["attention"])
    # The operations count is decided once (present_attention_ops) and said
    # in sentence case like every other line, at 80x24 and 160x50.
    n = snap["attention"]["open_incidents"]
    said = lines_with(screens(d, "board-*.screen"), " open incident")
    want = r"(^|\s)%d open incidents?\b" % n
    check(label + ": the board says the snapshot's %d open incident(s) in sentence case" % n,
          said and all(re.search(want, s) for s in said) if n else not said, said)
    check(label + ": no attention count in capitals on the board",
          not lines_with(screens(d, "board-*.screen"), "OPEN INCIDENT"))
    stale = [f for f in snap["features"] if f["key"] == "FEAT-20"]
    check(label + ": the stale hand-set phase is flagged", stale and "stale-phase" in stale[0]["flags"], stale)


def num1(v):
    s = "%.1f" % v
    return s[:-2] if s.endswith(".0") else s


def check_dora(d, snap, label, elite):
    txt, md = read(os.path.join(d, "snapshot.txt")), read(os.path.join(d, "snapshot.md"))
    rows = snap["dora"]["scorecard"]
    byname = {r["metric"]: r for r in rows}
    cfr = snap["dora"]["change_failure_rate"]["rate"]
    check(label + ": the scorecard's failure rate is the figure's (%s)" % cfr,
          byname["change_failure_rate"]["current"] == (num1(cfr) + " %" if cfr is not None else "n/a"),
          byname["change_failure_rate"])
    tier = snap["dora"]["lead_time"]["tier"]
    check(label + ": the lead time tier names its year",
          byname["lead_time"]["tier"] == ("%s (%d)" % (tier, snap["dora"]["year"]) if tier else "n/a"),
          byname["lead_time"])
    for key, want in elite.items():
        check("%s: elite %s is %r, from the thresholds data" % (label, key, want),
              byname[key]["elite"] == want, byname[key])
    for r in rows:
        cells = [r["current"], r["tier"], r["target"], r["elite"]]
        what = "%s: %s reads %s" % (label, r["name"], " | ".join(cells))
        t = [ln for ln in txt.splitlines() if ln.startswith(r["name"])]
        check(what + " in the text snapshot", t and all(c in t[0] for c in cells), t)
        m = [ln for ln in md.splitlines() if ln.startswith("| " + r["name"] + " |")]
        check(what + " in the markdown snapshot", m and all(c.replace("|", "\\|") in m[0] for c in cells), m)
        for size in ("80x24", "160x50"):
            p = lines_with(screens(d, "dora-%s.screen" % size), r["name"])
            check(what + " in the DORA pane at " + size, p and all(c in p[0] for c in cells), p)


def hours(v):
    """present_hours (src/present.c): minutes below an hour, hours below 48 h, then days."""
    if v is None:
        return "n/a"
    m = v * 60
    if m < 10 and m != int(m):
        return num1(m) + " min"
    if m < 59.5:
        return "%.0f min" % m
    if m < 48 * 60:
        return num1(m / 60) + " h"
    return num1(m / (24 * 60)) + " d"


STAGE_NAMES = {"coding_and_review_hours": "coding and review", "coding_hours": "coding",
               "pickup_hours": "pickup", "review_hours": "review", "waiting_hours": "waiting to deploy"}
STAGE_ORDER = ("coding_and_review_hours", "coding_hours", "pickup_hours", "review_hours", "waiting_hours")


def stage_words(st):
    """The words after the bar, from the JSON (docs/metrics.md §2b): each stage of the source
    with its median, then the largest one."""
    if st is None:
        return None
    keys = STAGE_ORDER[:1] + STAGE_ORDER[-1:] if st["source"] == "git" else STAGE_ORDER[1:]
    parts = ["%s %s" % (STAGE_NAMES[k], hours(st[k])) for k in keys]
    largest = "; largest: " + STAGE_NAMES[st["largest"]] if st["largest"] else ""
    return parts, largest


def check_stages(d, snap, label, source="git"):
    """Where lead time goes: the JSON's medians, in the text and markdown snapshots and the DORA
    pane, with the same largest stage; and a shipped feature's own stages in its pane. From git,
    over every change of the window; from pull requests, over those that have one."""
    st = snap["dora"]["lead_time"]["stages"]
    check(label + ": the window's changes have stages from " + source, st is not None and
          st["source"] == source and (st["changes"] == snap["dora"]["lead_time"]["changes"] or
                                      (source != "git" and 0 < st["changes"] <= snap["dora"]["lead_time"]["changes"])), st)
    if st is None:
        return
    parts, largest = stage_words(st)
    txt, md = read(os.path.join(d, "snapshot.txt")), read(os.path.join(d, "snapshot.md"))
    flat = " ".join(txt.split())
    texts = {"text snapshot": flat, "markdown snapshot": " ".join(md.split())}
    for size in ("80x24", "160x50"):
        # under the lead time row: the bar and the largest stage, then the medians
        pane = [ln.strip() for ln in read(os.path.join(d, "dora-%s.screen" % size)).splitlines()]
        at = [i for i, ln in enumerate(pane) if ln.startswith("where it goes")]
        ok = at and pane[at[0] - 1].startswith("Lead time (median)")
        # the bar's line, then the medians (wrapped to a second line when they do not fit)
        end = [i for i, ln in enumerate(pane) if ln.startswith("Change failure rate")]
        upto = end[0] if end and ok and end[0] > at[0] else (at[0] + 2 if at else 0)
        texts["DORA pane at " + size] = "Where lead time goes (medians, from %s) " % source + " ".join(
            pane[at[0]:upto]).replace("  largest:", "; largest:") if ok else ""
    for where, t in texts.items():
        ok = "Where lead time goes (medians, from %s)" % source in t and all(p in t for p in parts) and largest in t
        check("%s: lead time splits into %s%s in the %s" % (label, ", ".join(parts), largest, where), ok,
              t[:2000] if not ok else "")
    shipped = [f for f in snap["features"] if f["stages"] is not None]
    check(label + ": some feature has its own stages", shipped, [f["key"] for f in snap["features"]])
    screen = os.path.join(d, "feature-160x50.screen")
    if shipped and os.path.exists(screen):
        f = [x for x in shipped if x["key"] == "FEAT-7"] or shipped[:1]
        parts, largest = stage_words(f[0]["stages"])
        pane = " ".join(read(screen).split())
        check("%s: %s's pane says %s%s" % (label, f[0]["key"], ", ".join(parts), largest),
              all(p in pane for p in parts) and largest in pane, pane[:2000])


def check_services(snap, label):
    """With one service (the demo's implicit one) the team's figures are the
    service's: the same "dora" object and the same deployments."""
    svcs = snap.get("services", [])
    check(label + ": one service, the repository itself", len(svcs) == 1 and svcs[0]["paths"] is None,
          json.dumps(svcs)[:400])
    if svcs:
        check(label + ": the service's dora is the top-level dora", svcs[0]["dora"] == snap["dora"])
        check(label + ": the service's deployments are the top-level ones",
              svcs[0]["deployments"] == snap["deployments"])


def main():
    default, edited = os.path.join(OUT, "default"), os.path.join(OUT, "edited")
    names = set()
    prs = os.path.join(OUT, "prs")
    for d in (default, edited, prs, os.path.join(OUT, "fixture")):
        check_schemas(d, names)
    kinds = ["snapshot"] + list(CMDS["$defs"])
    check("schema: every kind of document was rendered and checked (%d)" % len(kinds),
          len(names) == len(kinds), sorted(map(str, names)))
    check_validator_rejects(default)
    snap = load(os.path.join(default, "snapshot.json"))
    check_markdown(default, snap)
    check_deployments(default, snap, "default")
    check_incidents(default, snap, "default")
    check_sources(default, snap, "default")
    check_rollback(default, snap, "default")
    check_features(default, snap, "default")
    check_stages(default, snap, "default")
    ps = load(os.path.join(prs, "snapshot.json"))
    check_stages(prs, ps, "pull requests", "pull requests")
    feat = [f for f in ps["features"] if f["stages"] is not None and f["key"] == "FEAT-7"]
    check("pull requests: FEAT-7's own stages come from its pull request",
          feat and feat[0]["stages"]["source"] == "pull requests", feat)
    check_deployments(prs, ps, "pull requests")
    check_services(snap, "default")
    check_dora(default, snap, "default", {"deployment_frequency": "≥ 5 days/week", "lead_time": "< 24 h",
                                          "change_failure_rate": "≤ 5 %", "time_to_restore": "< 1 h"})
    ed = load(os.path.join(edited, "snapshot.json"))
    check_dora(edited, ed, "edited thresholds", {"deployment_frequency": "≥ 4 days/week",
                                                 "lead_time": "< 12 h", "change_failure_rate": "≤ 4 %",
                                                 "time_to_restore": "< 30 min"})
    check("edited thresholds: the JSON's elite numbers follow the data",
          ed["dora"]["elite"] == {"deploy_days_per_week": 4, "lead_time_hours": 12,
                                  "change_failure_percent": 4, "restore_hours": 0.5}, ed["dora"]["elite"])
    print("parity: %d passed, %d failed" % (RESULTS["ok"], RESULTS["fail"]))
    return 1 if RESULTS["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
