#!/usr/bin/env python3
"""Writes N distinct, correctly signed Twilio inbound-SMS webhooks, one per
line as "<X-Twilio-Signature>\t<form body>", for the wrk script.

The signature is Twilio's scheme (base64 HMAC-SHA1 over the public URL
followed by the sorted parameters), computed with Python's standard library;
tests check the same scheme against the twilio package's RequestValidator.
"""
import base64, hashlib, hmac, sys, urllib.parse

count = int(sys.argv[1])
url = sys.argv[2]            # public_base_url + path, as the provider calls it
token = sys.argv[3].encode()
out = open(sys.argv[4], "w")
for i in range(count):
    params = {
        "MessageSid": "SM%032x" % i,
        "AccountSid": "AC" + "0" * 32,
        "From": "+62812%07d" % (i % 5000),
        "To": "+15005550006",
        "Body": "gaji saya belum dibayar %d bulan, tolong bantu" % (i % 12 + 1),
        "NumMedia": "0",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
    }
    signed = url + "".join(k + params[k] for k in sorted(params))
    signature = base64.b64encode(hmac.new(token, signed.encode(), hashlib.sha1).digest()).decode()
    out.write(signature + "\t" + urllib.parse.urlencode(params) + "\n")
