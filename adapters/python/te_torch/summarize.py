#!/usr/bin/env python3
"""summarize.py OUT NAME=REPORT_DIR...: one summary.md and report.json over several permcheck runs
(verdict, counts, the not-passing cases with their first violation, NOT_SUPPORTED reasons), and
whether two runs of the same cases (TE's autotuning vs one pinned config) agree case by case.
"""
import collections
import json
import os
import sys


def load(d):
    f = os.path.join(d, "report.json")
    if not os.path.isfile(f):
        return None
    with open(f) as fh:
        return json.load(fh)


def first_violation(c):
    v = c.get("violations") or []
    text = json.dumps(v[0]) if v else (c.get("detail") or "")
    return str(text).replace("|", "/").replace("\n", " ")[:240]


def main(out, pairs):
    runs = {n: load(d) for n, d in (p.split("=", 1) for p in pairs)}
    md, js = ["# TransformerEngine adapter through the protocol", ""], {}
    for name, r in runs.items():
        if r is None:
            md += ["## %s: no report (stage did not finish; see log.txt)" % name, ""]
            js[name] = None
            continue
        cases = r["cases"]
        status = collections.Counter(c["status"] for c in cases)
        bad = [c for c in cases if c["status"] not in ("PASS", "NOT_SUPPORTED")]
        reasons = collections.Counter(str(c.get("detail") or "")[:160]
                                      for c in cases if c["status"] == "NOT_SUPPORTED")
        js[name] = {"verdict": r.get("verdict"), "counts": dict(status), "run_info": r.get("run_info"),
                    "not_passing": [{"id": c["id"], "op": c["op"], "status": c["status"], "rules": c.get("rules"),
                                     "first": first_violation(c)} for c in bad],
                    "not_supported": dict(reasons)}
        md += ["## %s: %s" % (name, r.get("verdict")), "", "counts: " + ", ".join("%s %d" % kv for kv in sorted(status.items())), ""]
        if bad:
            md += ["| case | op | status | first violation |", "|---|---|---|---|"]
            md += ["| `%s` | %s | %s | %s |" % (c["id"], c["op"], c["status"], first_violation(c)) for c in bad[:60]]
            md += [""]
        if reasons:
            md += ["NOT_SUPPORTED reasons:", ""] + ["- %d x %s" % (n, t) for t, n in reasons.most_common(12)] + [""]
    names = [n for n in runs if runs[n]]
    for a in names:
        for b in names:
            if a < b and a.split("-")[0] == b.split("-")[0]:
                sa = {c["id"]: c["status"] for c in runs[a]["cases"]}
                sb = {c["id"]: c["status"] for c in runs[b]["cases"]}
                common = sorted(set(sa) & set(sb))
                differ = [i for i in common if sa[i] != sb[i]]
                js["agreement %s vs %s" % (a, b)] = {"common": len(common), "differ": differ}
                md += ["## %s vs %s: %d common cases, %d with another status %s" % (a, b, len(common), len(differ), differ[:10]), ""]
    with open(os.path.join(out, "summary.md"), "w") as fh:
        fh.write("\n".join(md) + "\n")
    with open(os.path.join(out, "report.json"), "w") as fh:
        json.dump(js, fh, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
