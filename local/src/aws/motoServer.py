"""moto's server, with DynamoDB's item writes made atomic.

moto 5.2.1 serves requests on several threads, and its DynamoDB backend checks a write's
ConditionExpression and then applies the write with no lock in between. Under load two concurrent
conditional writes can both pass: measured, 28 of 300 rounds of five concurrent claims had two
winners on a busy 2-core machine. Real DynamoDB evaluates the condition and writes an item
atomically, and the provisioner's claim relies on that. So every DynamoDB backend operation that
writes runs under one lock. Reads, and every other service, are left as moto has them.

moto 5.2.1's StartReplay also replays every archived event, whatever its time, to every rule on the
bus, with no input transformer, and fails on the archive's own rule. EventBridge replays only the
events whose time lies between EventStartTime and EventEndTime, only to the rules in FilterArns when
that is given, and applies each target's input transformer. `_replay_events` below does that, and
leaves the archive's own rule out, so a replay does not grow the archive it reads (ADR 0015).

moto 5.2.1 renders every target's input through jsonpath_ng and compiles each path again on every
event: `jsonpath_ng.ext.parse` builds a PLY lexer and parser per call, about 18 ms for one path on a
quiet 2-core machine, and a target with an empty InputPathsMap (our local targets, and moto's own
archive rule) gets its eight default paths. Measured with bench/moto/putEvents.ts, one PutEvents to
four rules and an archive took p50 518 ms. The compiled expressions are cached below; they are
immutable, so one compiled path serves every event (ADR 0016, amendment of 2026-12-03).

Usage: python3 motoServer.py -H 127.0.0.1 -p 5000 (the same arguments as python3 -m moto.server).
"""

import copy
import datetime
import functools
import sys
import threading

import jsonpath_ng.ext

from moto.core.utils import unix_time
from moto.dynamodb.models import DynamoDBBackend
from moto.events import models as events_models
from moto.moto_api._internal import mock_random
from moto.server import main

WRITES = (
    "put_item",
    "update_item",
    "delete_item",
    "batch_write_item",
    "transact_write_items",
    "execute_statement",
    "batch_execute_statement",
    "execute_transaction",
)

_lock = threading.RLock()


def _serialised(method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with _lock:
            return method(*args, **kwargs)

    return wrapper


for _name in WRITES:
    setattr(DynamoDBBackend, _name, _serialised(getattr(DynamoDBBackend, _name)))

# moto imports `parse` from jsonpath_ng.ext inside each call, so replacing the module's attribute
# reaches every use.
jsonpath_ng.ext.parse = functools.lru_cache(maxsize=512)(jsonpath_ng.ext.parse)

def _epoch(value):
    """An archived event's time: epoch seconds as moto stores it, or an ISO string."""
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        pass
    try:
        return datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _replay_events(self, archive):
    backend = events_models.events_backends[self.account_id][self.region]
    bus = backend.describe_event_bus(self.destination["Arn"].split("/")[-1])
    filter_arns = set(self.destination.get("FilterArns") or [])
    archive_rules = {id(a.rule) for a in backend.archives.values() if a.rule is not None}
    start, end = float(self.event_start_time), float(self.event_end_time)
    for event in list(archive.events):
        at = _epoch(event.get("time"))
        if at is None or at < start or at > end:
            continue
        for rule in list(bus.rules.values()):
            if id(rule) in archive_rules or (filter_arns and rule.arn not in filter_arns):
                continue
            replayed = copy.deepcopy(event)
            replayed["id"] = str(mock_random.uuid4())
            replayed["replay-name"] = self.name
            rule.send_to_targets(replayed)
    self.state = events_models.ReplayState.COMPLETED
    self.end_time = unix_time()


events_models.Replay.replay_events = _replay_events

if __name__ == "__main__":
    main(sys.argv[1:])
