#!/usr/bin/env python3
"""Writes the fixtures of the EV rules (testdata/rules/EV60x) from testdata/example; run it from
the crate root. Each case is the example deployment (its topology and seven worksheets) with a
`backup-listing.csv`, or a `share/` folder mapped by the case's `topolint.toml`."""
import io, os, shutil, struct, zipfile, zlib
EX = "testdata/example"
R = "testdata/rules"
RUN = r"\\backup01.contoso.com\lync\2026-11-20"
TOML = "[options]\nbackup-shares = { '\\\\backup01.contoso.com\\lync' = \"share\" }\n"

# The run's files: (name under the run folder, size, UTC time)
COMPLETE = [
    ("CsConfiguration.zip", 182345, "2026-11-20T21:30:04.1234567Z"),
    ("CsLisConfiguration.zip", 2311, "2026-11-20T21:30:09.5550000Z"),
    ("RgsConfiguration.zip", 9120, "2026-11-20T21:45:02.0000000Z"),
    ("UserData-pool01.zip", 5521003, "2026-11-20T22:01:44.0000000Z"),
    ("LcsLog_20261120.bak", 81234567, "2026-11-20T23:04:10.0000000Z"),
    ("LcsCdr_20261120.bak", 51234567, "2026-11-20T23:09:50.0000000Z"),
    ("QoEMetrics_20261120.bak", 61234567, "2026-11-20T23:15:31.0000000Z"),
    (r"filestore\1-WebServices-1\CollabContent\meeting-1.dat", 4096, "2026-11-12T10:00:00.0000000Z"),
]

def case(code, name, sheets=("settings", "database", "file-store", "backup-runs", "servers", "sql-instances", "certificates")):
    d = f"{R}/{code}/{name}"
    if os.path.exists(d):
        shutil.rmtree(d)
    os.makedirs(d)
    shutil.copy(f"{EX}/topology.xml", d)
    for s in sheets:
        shutil.copy(f"{EX}/{s}.csv", d)
    return d

def listing(d, files, header="FullName,Length,LastWriteTimeUtc", typeline=False, older=True):
    lines = []
    if typeline:
        lines.append("#TYPE Selected.System.IO.FileInfo")
    lines.append(header)
    rows = []
    if older:
        rows.append((r"\\backup01.contoso.com\lync\2026-11-19\CsConfiguration.zip", 182001, "2026-11-19T21:30:03.0000000Z"))
    rows += [(RUN + "\\" + n, sz, t) for n, sz, t in files]
    for full, size, t in rows:
        if typeline:
            lines.append(f'"{full}","{size}","{t}"')
        else:
            lines.append(f"{full},{size},{t}")
    open(f"{d}/backup-listing.csv", "w", newline="").write("\r\n".join(lines) + "\r\n")

def share(d, files, extra=()):
    open(f"{d}/topolint.toml", "w").write(TOML)
    for n, size, _ in files:
        p = os.path.join(d, "share", "2026-11-20", *n.split("\\"))
        os.makedirs(os.path.dirname(p), exist_ok=True)
        open(p, "wb").write(b"x" * min(size, 64))
    for n, data in extra:
        p = os.path.join(d, "share", "2026-11-20", n)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        open(p, "wb").write(data)

def without(name):
    return [f for f in COMPLETE if f[0] != name]

def sized(name, size):
    return [(n, size if n == name else s, t) for n, s, t in COMPLETE]

# ---- archives -------------------------------------------------------------------------
FIXED = (2026, 11, 20, 21, 30, 0)
def zip_bytes(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, FIXED)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()

def docitemset(topology):
    body = topology.strip()
    return ('<?xml version="1.0" encoding="utf-8"?>\n<DocItemSet>\n'
            '  <DocItem Name="urn:xds:{urn:schema:Microsoft.Rtc.Management.Policy.Client.2008}ClientPolicies,Global">\n'
            '    <Data><ClientPolicies xmlns="urn:schema:Microsoft.Rtc.Management.Policy.Client.2008" /></Data>\n'
            '  </DocItem>\n'
            '  <DocItem Name="urn:xds:{urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008}Topology,Host{00000000-0000-0000-0000-000000000000},Global">\n'
            "    <Data>\n" + body + "\n    </Data>\n  </DocItem>\n</DocItemSet>\n")

def bomb_declared():
    """DocItemSet.xml declaring 300 MiB uncompressed; its data is a few bytes."""
    data = zlib.compress(b"<DocItemSet/>", 9)[2:-4]
    return raw_zip("DocItemSet.xml", data, zlib.crc32(b"<DocItemSet/>"), 300 * 1024 * 1024)

def raw_zip(name, data, crc, size):
    n = name.encode()
    t, dt = (21 << 11) | (30 << 5), ((2026 - 1980) << 9) | (11 << 5) | 20
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, t, dt, crc, len(data), size, len(n), 0) + n
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, t, dt, crc, len(data), size, len(n), 0, 0, 0, 0, 0, 0) + n
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local) + len(data), 0)
    return local + data + central + end

topo = open(f"{EX}/topology.xml", encoding="utf-8").read()
good_config = zip_bytes([("DocItemSet.xml", docitemset(topo))])
other_zip = zip_bytes([("DocItemSet.xml", '<?xml version="1.0"?>\n<DocItemSet>\n  <DocItem Name="x"><Data><Settings /></Data></DocItem>\n</DocItemSet>\n')])

def archive_share(d, config_bytes):
    share(d, [f for f in COMPLETE if not f[0].endswith(".zip")],
          extra=[("CsConfiguration.zip", config_bytes), ("CsLisConfiguration.zip", other_zip),
                 ("RgsConfiguration.zip", other_zip), ("UserData-pool01.zip", other_zip)])

# EV601
listing(case("EV601", "fail-listing-settings-file-missing"), without("CsConfiguration.zip"))
listing(case("EV601", "fail-listing-database-backups-missing"), without("LcsCdr_20261120.bak"))
d = case("EV601", "fail-share-file-store-copy-missing")
share(d, [f for f in COMPLETE if not f[0].startswith("filestore")])
listing(case("EV601", "pass-listing-complete"), COMPLETE, typeline=True)
share(case("EV601", "pass-share-complete"), COMPLETE)
# The same run listed in a culture's dates, and by LastWriteTime (local time).
d = case("EV601", "pass-listing-culture-dates")
lines = ["FullName,Length,LastWriteTime"]
for n, s, t in COMPLETE:
    y, m, dd = t[:10].split("-")
    hh = int(t[11:13]); ampm = "PM" if hh >= 12 else "AM"; h12 = hh % 12 or 12
    lines.append(f"{RUN}\\{n},{s},{int(m)}/{int(dd)}/{y} {h12}:{t[14:16]}:{t[17:19]} {ampm}")
open(f"{d}/backup-listing.csv", "w", newline="").write("\r\n".join(lines) + "\r\n")
# EV602
listing(case("EV602", "fail-listing-zero-bytes"), sized("CsConfiguration.zip", 0))
d = case("EV602", "fail-share-zero-byte-backup")
share(d, [f for f in COMPLETE if f[0] != "QoEMetrics_20261120.bak"], extra=[("QoEMetrics_20261120.bak", b"")])
listing(case("EV602", "pass-listing-complete"), COMPLETE)
# EV603
def retimed(name, t):
    return [(n, s, t if n == name else tt) for n, s, tt in COMPLETE]
listing(case("EV603", "fail-listing-claim-later-than-file"), retimed("CsConfiguration.zip", "2026-11-13T21:30:04.0000000Z"))
listing(case("EV603", "pass-listing-utc-evening-and-file-store-times"), retimed("RgsConfiguration.zip", "2026-11-19T22:45:00.0000000Z"))
# EV604
archive_share(case("EV604", "fail-share-corrupt-zip"), good_config[: len(good_config) // 2])
archive_share(case("EV604", "fail-share-zip-bomb"), bomb_declared())
archive_share(case("EV604", "fail-share-member-names-climb-out"), zip_bytes([("DocItemSet.xml", docitemset(topo)), ("../x", "out"), ("..\\..\\Windows\\x", "out")]))
archive_share(case("EV604", "fail-share-configuration-without-topology"), other_zip)
archive_share(case("EV604", "pass-share-configuration-with-topology"), good_config)

# The DR rules compare with the topology inside the run's Export-CsConfiguration archive when no
# --backup-topology is given: fe03 was renamed fe04 since that backup.
d = case("DR501", "fail-machine-renamed-since-the-archive")
archive_share(d, good_config)
today = open(f"{d}/topology.xml", encoding="utf-8").read().replace("fe03.contoso.com", "fe04.contoso.com")
open(f"{d}/topology.xml", "w", encoding="utf-8").write(today)
