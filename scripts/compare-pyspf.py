"""pyspf, the reference SPF implementation, on the same questions as ours.

Run with Debian's python3 (python3-spf and python3-yaml installed):

  python3 scripts/compare-pyspf.py suite FILE.yml
      Evaluates every case of an RFC 7208 test-suite file against its
      zone data, the way pyspf's own test driver does (spf.DNSLookup
      replaced by a lookup in the zone), and prints one JSON line per
      case: scenario, name, result, explanation.

  python3 scripts/compare-pyspf.py bench SERVER:PORT < QUESTIONS
      Asks a real DNS server: reads JSON lines {ip, sender, helo}, checks
      each with spf.query over pydns, and prints one JSON object with
      the results and the seconds the checks took.

scripts/compare-pyspf.ts runs ours beside it and prints the differences.
"""

import json
import socket
import sys
import time

import spf
import yaml

# pyspf reports RFC 4408 names for the errors in some paths.
OLD_NAMES = {'unknown': 'permerror', 'error': 'temperror'}


def zone_of(zonedata):
    """The zone as the suite's drivers read it: type-SPF records double
    as TXT records unless the name lists TXT (or TXT: NONE) itself."""
    zone = {}
    for name, entries in (zonedata or {}).items():
        records = []
        own_txt = any(isinstance(e, dict) and 'TXT' in e for e in entries)
        generated = []
        for entry in entries:
            if not isinstance(entry, dict):
                records.append(entry)  # 'TIMEOUT'
                continue
            for rtype, value in entry.items():
                if rtype in ('TXT', 'SPF') and isinstance(value, str):
                    value = (value,)
                if rtype == 'SPF' and not own_txt:
                    generated.append(('TXT', value, name))
                if value != ('NONE',):
                    records.append((rtype, value, name))
        zone[name.lower()] = records + generated
    return zone


def zone_lookup(zone):
    """A replacement for spf.DNSLookup that answers from `zone`."""

    def lookup(name, qtype, strict=True, timeout=None, level=0):
        labels = [label for label in name.split('.') if label]
        if any(len(label) > 63 for label in labels):
            raise spf.TempError('DNS label too long')
        name = '.'.join(labels)
        entries = zone.get(name.lower())
        if entries is None:
            if name.startswith('error.'):
                raise spf.TempError('DNS timeout')
            return []
        answers = []
        seen = False
        for entry in entries:
            if entry == 'TIMEOUT':
                if not seen:
                    raise spf.TempError('DNS timeout')
                break
            rtype, value, owner = entry
            if rtype == qtype:
                seen = True
            if value == 'TIMEOUT':
                if rtype == qtype:
                    raise spf.TempError('DNS timeout')
                continue
            if rtype == 'AAAA':
                value = socket.inet_pton(socket.AF_INET6, value)
            elif rtype in ('TXT', 'SPF'):
                value = tuple(s.encode('utf-8') for s in value)
            answers.append(((owner, rtype), value))
            if rtype == 'CNAME' and not level:
                answers.extend(lookup(value, qtype, strict, timeout, 1))
        return answers

    return lookup


def run_suite(path):
    with open(path, 'rb') as f:
        documents = list(yaml.safe_load_all(f))
    for scenario in documents:
        if not scenario or 'tests' not in scenario:
            continue
        spf.DNSLookup = zone_lookup(zone_of(scenario.get('zonedata')))
        for name, case in scenario['tests'].items():
            query = spf.query(
                i=case['host'], s=case['mailfrom'], h=case['helo'],
                strict=True)
            query.set_default_explanation('DEFAULT')
            result, _, explanation = query.check()
            print(json.dumps({
                'scenario': scenario['description'],
                'name': name,
                'result': OLD_NAMES.get(result, result),
                'explanation': explanation,
            }))


def run_bench(server):
    import DNS
    host, _, port = server.rpartition(':')
    DNS.defaults['server'] = [host]
    DNS.defaults['port'] = int(port)
    questions = [json.loads(line) for line in sys.stdin if line.strip()]
    results = []
    started = time.perf_counter()
    for q in questions:
        query = spf.query(i=q['ip'], s=q['sender'], h=q['helo'], strict=True)
        result, _, _ = query.check()
        results.append(OLD_NAMES.get(result, result))
    seconds = time.perf_counter() - started
    print(json.dumps({'seconds': seconds, 'results': results}))


def main(argv):
    if len(argv) == 3 and argv[1] == 'suite':
        run_suite(argv[2])
    elif len(argv) == 3 and argv[1] == 'bench':
        run_bench(argv[2])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main(sys.argv)
