#!/usr/bin/env python3
"""A trace collector's receiving end for the smoke test: OTLP/HTTP (POST /v1/traces, http/protobuf).

    otlp_sink.py DIR     listens on 127.0.0.1 at a free port, writes the port to DIR/port, and for every export
                         keeps the raw body (DIR/export-N.pb) and one line per span in DIR/spans.tsv:
                         service.name <TAB> trace id (hex) <TAB> span name
    otlp_sink.py DIR --discard
                         keeps nothing but DIR/totals ("<exports> <bytes>"): a collector's cheapest receiving
                         end, for benchmarks, where decoding here would take CPU from the services measured

The raw bodies let the smoke test look for secrets in everything a service exported (a protobuf string is its
UTF-8 bytes); spans.tsv lets it check that one trace crossed the gateway, the services and the backend calls.
Only the few OTLP fields needed are decoded (opentelemetry/proto/trace/v1/trace.proto), with a plain wire-format
reader: no protobuf library is needed.
"""
import http.server
import os
import sys
import threading


def fields(buf):
    """Yields (field number, wire type, value) of one protobuf message; value is bytes for length-delimited."""
    i = 0
    while i < len(buf):
        key, i = varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(buf, i)
        elif wire == 1:
            value, i = buf[i:i + 8], i + 8
        elif wire == 2:
            length, i = varint(buf, i)
            value, i = buf[i:i + length], i + length
        elif wire == 5:
            value, i = buf[i:i + 4], i + 4
        else:
            raise ValueError("unsupported wire type %d" % wire)
        yield number, wire, value


def varint(buf, i):
    result = shift = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, i
        shift += 7


def service_name(resource):
    for number, _, kv in fields(resource):          # Resource.attributes = 1
        if number != 1:
            continue
        key = value = None
        for n, _, v in fields(kv):                  # KeyValue: key = 1, value = 2 (AnyValue.string_value = 1)
            if n == 1:
                key = v.decode()
            elif n == 2:
                value = next((s.decode() for m, _, s in fields(v) if m == 1), None)
        if key == "service.name":
            return value
    return "?"


def spans(export):
    for number, _, resource_spans in fields(export):        # ExportTraceServiceRequest.resource_spans = 1
        if number != 1:
            continue
        service = "?"
        scope_spans_list = []
        for n, _, v in fields(resource_spans):               # ResourceSpans: resource = 1, scope_spans = 2
            if n == 1:
                service = service_name(v)
            elif n == 2:
                scope_spans_list.append(v)
        for scope_spans in scope_spans_list:
            for n, _, span in fields(scope_spans):            # ScopeSpans.spans = 2
                if n != 2:
                    continue
                trace_id, name = "", ""
                for m, _, v in fields(span):                  # Span: trace_id = 1, name = 5
                    if m == 1:
                        trace_id = v.hex()
                    elif m == 5:
                        name = v.decode(errors="replace")
                yield service, trace_id, name


def main():
    out = sys.argv[1]
    discard = "--discard" in sys.argv[2:]
    lock = threading.Lock()
    counter = [0]
    received = [0]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                counter[0] += 1
                received[0] += len(body)
                if discard:
                    with open(os.path.join(out, "totals"), "w") as f:
                        f.write("%d %d\n" % (counter[0], received[0]))
                    self.answer()
                    return
                with open(os.path.join(out, "export-%d.pb" % counter[0]), "wb") as f:
                    f.write(body)
                with open(os.path.join(out, "spans.tsv"), "a") as f:
                    for service, trace_id, name in spans(body):
                        f.write("%s\t%s\t%s\n" % (service, trace_id, name.replace("\t", " ")))
            self.answer()

        def answer(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(os.path.join(out, "port.tmp"), "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(os.path.join(out, "port.tmp"), os.path.join(out, "port"))
    server.serve_forever()


if __name__ == "__main__":
    main()
