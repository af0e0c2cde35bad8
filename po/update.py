#!/usr/bin/env python3
# Merges po/numa-placement.pot into a catalog: keeps its translations, adds new strings (from NEW below when
# given, else untranslated), drops strings the sources no longer have. Usage: po/update.py po/de.po
import json, re, sys

def entries(text):
    out = {}
    for block in text.split("\n\n"):
        m = re.search(r'^msgid (".*")$', block, re.M)
        if not m:
            continue
        msgid = json.loads(m.group(1))
        plural = re.search(r'^msgid_plural (".*")$', block, re.M)
        strs = [json.loads(x) for x in re.findall(r'^msgstr(?:\[\d\])? (".*")$', block, re.M)]
        refs = [l for l in block.split("\n") if l.startswith("#:")]
        out[msgid] = (json.loads(plural.group(1)) if plural else None, strs, refs)
    return out

NEW = json.load(open(sys.argv[2])) if len(sys.argv) > 2 else {}
path = sys.argv[1]
old_text = open(path).read()
header = old_text.split("\n\n")[0]
old = entries(old_text)
pot = entries(open("po/numa-placement.pot").read())
blocks = [header]
missing = []
for msgid, (plural, _, refs) in pot.items():
    if msgid == "":
        continue
    strs = old.get(msgid, (None, [], []))[1]
    if not any(strs):
        new = NEW.get(msgid)
        strs = (new if isinstance(new, list) else [new]) if new else ([""] * (2 if plural else 1))
        if not new:
            missing.append(msgid)
    b = "\n".join(refs) + "\nmsgid " + json.dumps(msgid, ensure_ascii=False) + "\n"
    if plural:
        b += "msgid_plural " + json.dumps(plural, ensure_ascii=False) + "\n"
        b += "".join(f"msgstr[{i}] {json.dumps(s, ensure_ascii=False)}\n" for i, s in enumerate(strs))
    else:
        b += "msgstr " + json.dumps(strs[0], ensure_ascii=False) + "\n"
    blocks.append(b.rstrip("\n"))
open(path, "w").write("\n\n".join(blocks) + "\n")
print(f"{path}: {len(pot) - 1} strings, {len(missing)} untranslated", *missing, sep="\n  ")
