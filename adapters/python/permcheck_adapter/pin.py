"""The pin of a vector set (docs/vectors.md section 12; the Java side's VectorSet.pin): the number of
vectors the index lists and a SHA-256 over index.json followed, for each listed id in order, by the
id, a NUL byte and the bytes of its case.json. Each manifest pins its tensor files by hash, so the
digest pins every byte of the set; a vector removed whole (index entry and directory) is seen only here.
"""
import hashlib
import os

PIN = "PIN"


def pin_line(root, ids):
    """'{count} {sha256}' of the set at `root` whose index lists `ids` (manifests already read)."""
    h = hashlib.sha256()
    with open(os.path.join(root, "index.json"), "rb") as f:
        h.update(f.read())
    for vid in ids:
        h.update(vid.encode("utf-8"))
        h.update(b"\0")
        with open(os.path.join(root, vid, "case.json"), "rb") as f:
            h.update(f.read())
    return "%d %s" % (len(ids), h.hexdigest())


def pin_problem(root, ids):
    """None when the set has no PIN file or matches it; else the one-line problem, in the Java wording."""
    path = os.path.join(root, PIN)
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as f:
        want = f.read().strip()
    got = pin_line(root, ids)
    if want == got:
        return None
    return ("%s: the set does not match its pin (pinned %s, found %s); restore the set, "
            "or regenerate it with permcheck vectors generate" % (path, want, got))
