"""Caseworker API queue benchmark: seeds open escalations straight into the
daemon's SQLite file, then times claim-next and queue listing over one
keep-alive connection per caseworker. Used by Benchmarks/api-queue.sh.

    queue_bench.py config DIR TENANTS
    queue_bench.py seed DB TENANTS TOTAL
    queue_bench.py measure PORT TENANTS REQUESTS
"""
import hashlib, http.client, json, os, random, sqlite3, statistics, sys, time

LANGUAGES = ["id", "tl", "vi", "ja", "en"]


def token(tenant):
    return f"kwn_bench_{tenant}_caseworker"


def write_config(directory, tenants):
    demo = json.load(open(os.path.join(directory, "tenants", "demo.json")))
    for n in range(tenants):
        tenant = dict(demo, id=f"t{n:02d}", name=f"Bench {n}")
        tenant.pop("alert_webhook", None)
        tenant["caseworkers"] = [{"id": "cw", "name": "Bench caseworker", "languages": ["id", "en"],
                                  "token_sha256": hashlib.sha256(token(tenant["id"]).encode()).hexdigest()}]
        json.dump(tenant, open(os.path.join(directory, "tenants", f"t{n:02d}.json"), "w"))


def seed(path, tenants, total):
    random.seed(7)
    db = sqlite3.connect(path)
    db.execute("PRAGMA busy_timeout = 10000")
    now = int(time.time() * 1000)
    per_tenant = total // tenants
    with db:
        for n in range(tenants):
            tenant = f"t{n:02d}"
            for i in range(per_tenant):
                created = now - random.randint(0, 30 * 86_400_000)
                language = random.choice(LANGUAGES)
                priority = random.choices(["urgent", "high", "normal"], [1, 2, 7])[0]
                contact = db.execute(
                    "INSERT INTO contacts (tenant_id, channel_id, address, language, created_at, updated_at) "
                    "VALUES (?, 'telegram', ?, ?, ?, ?)", (tenant, f"{100000 + i}", language, created, created)).lastrowid
                conversation = db.execute(
                    "INSERT INTO conversations (tenant_id, contact_id, channel_id, language, created_at, updated_at, last_inbound_at) "
                    "VALUES (?, ?, 'telegram', ?, ?, ?, ?)", (tenant, contact, language, created, created, created)).lastrowid
                db.execute(
                    "INSERT INTO messages (tenant_id, conversation_id, contact_id, channel_id, direction, body, language, "
                    "provider_message_id, delivery_status, created_at, updated_at) "
                    "VALUES (?, ?, ?, 'telegram', 'in', 'please help me', ?, ?, 'received', ?, ?)",
                    (tenant, conversation, contact, language, f"b{i}", created, created))
                db.execute(
                    "INSERT INTO escalations (tenant_id, conversation_id, priority, status, reason, intent, language, created_at, updated_at) "
                    "VALUES (?, ?, ?, 'open', 'human_request', NULL, ?, ?, ?)", (tenant, conversation, priority, language, created, created))
    print(f"seeded {per_tenant * tenants} open escalations across {tenants} tenants")


def percentiles(samples):
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]
    return f"n={len(ordered)} p50={pick(0.50):.2f} ms p90={pick(0.90):.2f} ms p99={pick(0.99):.2f} ms max={ordered[-1]:.2f} ms"


def measure(port, tenants, requests):
    connections = {f"t{n:02d}": http.client.HTTPConnection("127.0.0.1", port) for n in range(tenants)}

    def call(tenant, method, path):
        connection = connections[tenant]
        started = time.perf_counter()
        connection.request(method, path if path.startswith("/healthz") else "/api/v1" + path, headers={"Authorization": "Bearer " + token(tenant)})
        response = connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status in (200, 204), (response.status, body[:200])
        return elapsed, body

    for tenant in connections:  # warm up each connection and the statement caches
        call(tenant, "GET", "/escalations?limit=50")
    tenant_list = list(connections)
    results = {}
    results["GET /healthz (baseline: no token, no store)"] = [call(tenant_list[i % tenants], "GET", "/healthz")[0] for i in range(requests)]
    results["GET /escalations?limit=50 (first page)"] = [call(tenant_list[i % tenants], "GET", "/escalations?limit=50")[0] for i in range(requests)]
    deep = []
    for i in range(max(1, requests // 10)):
        tenant = tenant_list[i % tenants]
        _, body = call(tenant, "GET", "/escalations?limit=50&status=open")
        cursor = json.loads(body)["next_cursor"]
        for _ in range(random.randint(1, 20)):
            _, body = call(tenant, "GET", f"/escalations?limit=50&cursor={cursor}")
            cursor = json.loads(body)["next_cursor"]
        deep.append(call(tenant, "GET", f"/escalations?limit=50&cursor={cursor}")[0])
    results["GET /escalations?limit=50&cursor=... (pages 3-22)"] = deep
    results["GET /escalations?priority=normal&language=ja&limit=50"] = [
        call(tenant_list[i % tenants], "GET", "/escalations?priority=normal&language=ja&limit=50")[0] for i in range(requests)]
    results["POST /escalations/claim-next"] = [call(tenant_list[i % tenants], "POST", "/escalations/claim-next")[0] for i in range(requests)]
    for name, samples in results.items():
        print(f"{name}: {percentiles(samples)}")


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "config":
        write_config(sys.argv[2], int(sys.argv[3]))
    elif command == "seed":
        seed(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        measure(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
