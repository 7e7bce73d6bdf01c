/* The load generator of scripts/bench-bridge.sh: a simulated bridge (XPUB: JSON ticks with seq and time) and
 * execution gateway (ROUTER: ack + fill for every order, an empty answer to open_orders) in one process, two threads,
 * so tick -> order latency is measured on one clock: the publisher stamps each tick's send time (CLOCK_MONOTONIC) by
 * seq, the gateway looks the order's tickSeq up when the order arrives.
 *   load-gen TICKS_EP GATEWAY_EP [--rate R] [--count N] [--symbols A,B,...] [--exit-idle-ms MS] [--max-tick-age-ms MS]
 * --rate 0 (default) publishes flat out. Publishing starts once a subscriber's subscription arrived and the subject's
 * DEALER sent its first frame (heartbeat or order), so nothing is lost to the slow joiner. Both sockets have an
 * unlimited HWM (libzmq's default loses most of a flat-out burst, and replies). After the last tick it waits until no
 * order came for --exit-idle-ms (default 1500), then prints one JSON summary line on stdout.
 */
#include <zmq.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long long count = 1000000, exit_idle_ms = 1500;
static double rate = 0;
static char *symbols[64];
static int nsym = 0;
static const char *ticks_ep, *gateway_ep;
static void *ctx;

static int64_t *send_ns;          /* by seq (1..count) */
static int64_t *latency_ns;       /* per order received, in arrival order */
static int64_t *stamp_age_ms;     /* per order: its own "time" minus its "tickTime" (the subject's view, ms) */
static atomic_llong orders, fills_sent, cancel_all, heartbeats, open_orders, bad_frames, unknown_seq;
static atomic_int subject_connected, publishing_done;
static atomic_llong first_order_ns, last_order_ns, publish_start_ns, publish_end_ns, ticks_sent;
static volatile sig_atomic_t stop = 0;

static int64_t mono_ns(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec; }
static int64_t real_ms(void) { struct timespec t; clock_gettime(CLOCK_REALTIME, &t); return (int64_t)t.tv_sec * 1000LL + t.tv_nsec / 1000000; }
static void on_term(int s) { (void)s; stop = 1; }

static void *publisher(void *arg) {
    (void)arg;
    void *pub = zmq_socket(ctx, ZMQ_XPUB);
    int zero = 0, timeout = 100;
    zmq_setsockopt(pub, ZMQ_SNDHWM, &zero, sizeof zero);
    zmq_setsockopt(pub, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt(pub, ZMQ_LINGER, &zero, sizeof zero);
    if (zmq_bind(pub, ticks_ep)) { perror("zmq_bind ticks"); exit(1); }
    char sub[256];
    while (!stop && zmq_recv(pub, sub, sizeof sub, 0) < 1) { }
    while (!stop && !atomic_load(&subject_connected)) { struct timespec w = { 0, 1000000 }; nanosleep(&w, NULL); }
    double mid[64];
    for (int s = 0; s < nsym; s++) mid[s] = strstr(symbols[s], "JPY") ? 150.0 : 1.1;
    uint64_t rnd = 42;
    char buf[256];
    int64_t t0 = mono_ns();
    atomic_store(&publish_start_ns, t0);
    long long i;
    for (i = 1; i <= count && !stop; i++) {
        if (rate > 0) {
            int64_t due = t0 + (int64_t)((double)(i - 1) * 1e9 / rate);
            while (mono_ns() < due) { }
        }
        int s = (int)((i - 1) % nsym);
        rnd ^= rnd << 13; rnd ^= rnd >> 7; rnd ^= rnd << 17;
        mid[s] *= 1.0 + ((double)(rnd % 2001) - 1000.0) * 1e-8;
        double spread = mid[s] * 2e-5;
        int n = snprintf(buf, sizeof buf, "{\"symbol\":\"%s\",\"bid\":%.6f,\"ask\":%.6f,\"time\":%lld,\"seq\":%lld}",
                         symbols[s], mid[s] - spread / 2, mid[s] + spread / 2, (long long)real_ms(), i);
        send_ns[i] = mono_ns();
        if (zmq_send(pub, buf, (size_t)n, 0) < 0) break;
    }
    atomic_store(&ticks_sent, i - 1);
    atomic_store(&publish_end_ns, mono_ns());
    atomic_store(&publishing_done, 1);
    /* Keep the socket until the end: closing it would drop what libzmq still queues. */
    while (!stop) { struct timespec w = { 0, 10000000 }; nanosleep(&w, NULL); }
    zmq_close(pub);
    return NULL;
}

/* The value of "key": in a flat JSON object (no escapes needed here), or NULL. */
static const char *field(const char *json, const char *key, char *out, size_t cap) {
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(json, pat);
    if (!p) return NULL;
    p += strlen(pat);
    size_t k = 0;
    if (*p == '"') { p++; while (*p && *p != '"' && k + 1 < cap) out[k++] = *p++; }
    else { while (*p && *p != ',' && *p != '}' && k + 1 < cap) out[k++] = *p++; }
    out[k] = 0;
    return out;
}

static void reply(void *router, const void *peer, int peer_len, const char *frame, int len) {
    zmq_send(router, peer, (size_t)peer_len, ZMQ_SNDMORE);
    zmq_send(router, frame, (size_t)len, 0);
}

static void *gateway(void *arg) {
    (void)arg;
    void *router = zmq_socket(ctx, ZMQ_ROUTER);
    int zero = 0;
    zmq_setsockopt(router, ZMQ_SNDHWM, &zero, sizeof zero);
    zmq_setsockopt(router, ZMQ_RCVHWM, &zero, sizeof zero);
    zmq_setsockopt(router, ZMQ_LINGER, &zero, sizeof zero);
    if (zmq_bind(router, gateway_ep)) { perror("zmq_bind gateway"); exit(1); }
    zmq_pollitem_t item = { router, 0, ZMQ_POLLIN, 0 };
    char peer[256], msg[65536], id[128], v[64], out[512];
    int64_t idle_since = 0;
    while (!stop) {
        if (zmq_poll(&item, 1, 10) <= 0) {
            if (atomic_load(&publishing_done)) {
                int64_t now = mono_ns();
                int64_t last = atomic_load(&last_order_ns);
                if (!idle_since) idle_since = now;
                int64_t quiet_from = last > idle_since ? last : idle_since;
                if (last == 0) quiet_from = atomic_load(&publish_end_ns);
                if (now - quiet_from >= exit_idle_ms * 1000000LL) break;
            }
            continue;
        }
        int pl = zmq_recv(router, peer, sizeof peer, 0);
        if (pl < 0) continue;
        int more = 0; size_t ms = sizeof more;
        zmq_getsockopt(router, ZMQ_RCVMORE, &more, &ms);
        if (!more) { atomic_fetch_add(&bad_frames, 1); continue; }
        int n = zmq_recv(router, msg, sizeof msg - 1, 0);
        if (n < 0) continue;
        if (n >= (int)sizeof msg) n = sizeof msg - 1;
        msg[n] = 0;
        atomic_store(&subject_connected, 1);
        if (!field(msg, "type", v, sizeof v)) { atomic_fetch_add(&bad_frames, 1); continue; }
        if (strcmp(v, "order") == 0) {
            int64_t now = mono_ns();
            long long k = atomic_fetch_add(&orders, 1);
            if (k == 0) atomic_store(&first_order_ns, now);
            atomic_store(&last_order_ns, now);
            long long seq = field(msg, "tickSeq", v, sizeof v) ? atoll(v) : 0;
            if (seq >= 1 && seq <= count && send_ns[seq]) latency_ns[k] = now - send_ns[seq];
            else { latency_ns[k] = -1; atomic_fetch_add(&unknown_seq, 1); }
            char tt[32], ot[32];
            stamp_age_ms[k] = field(msg, "tickTime", tt, sizeof tt) && field(msg, "time", ot, sizeof ot) ? atoll(ot) - atoll(tt) : -1;
            if (!field(msg, "id", id, sizeof id)) continue;
            char qty[64] = "0.01", price[64] = "1.1";
            field(msg, "qty", qty, sizeof qty);
            field(msg, "price", price, sizeof price);
            int m = snprintf(out, sizeof out, "{\"type\":\"ack\",\"id\":\"%s\"}", id);
            reply(router, peer, pl, out, m);
            m = snprintf(out, sizeof out, "{\"type\":\"fill\",\"id\":\"%s\",\"qty\":%s,\"price\":%s}", id, qty, price);
            reply(router, peer, pl, out, m);
            atomic_fetch_add(&fills_sent, 1);
        } else if (strcmp(v, "heartbeat") == 0) {
            atomic_fetch_add(&heartbeats, 1);
            reply(router, peer, pl, "{\"type\":\"heartbeat\"}", 20);
        } else if (strcmp(v, "cancel_all") == 0) {
            atomic_fetch_add(&cancel_all, 1);
        } else if (strcmp(v, "open_orders") == 0) {
            atomic_fetch_add(&open_orders, 1);
            if (field(msg, "requestId", id, sizeof id)) {
                int m = snprintf(out, sizeof out, "{\"type\":\"open_orders\",\"requestId\":\"%s\",\"orders\":[],\"last\":true}", id);
                reply(router, peer, pl, out, m);
            }
        } else atomic_fetch_add(&bad_frames, 1);
    }
    stop = 1;
    zmq_close(router);
    return NULL;
}

static int cmp64(const void *a, const void *b) { int64_t x = *(const int64_t *)a, y = *(const int64_t *)b; return x < y ? -1 : x > y; }

static double pct(const int64_t *sorted, long long n, double p) {
    if (n == 0) return 0;
    long long i = (long long)(p / 100.0 * (double)(n - 1) + 0.5);
    return (double)sorted[i] / 1000.0;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: load-gen TICKS GATEWAY [--rate R] [--count N] [--symbols A,B] [--exit-idle-ms MS]\n"); return 2; }
    ticks_ep = argv[1]; gateway_ep = argv[2];
    char *syms = "EURUSD";
    for (int i = 3; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--rate")) rate = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--count")) count = atoll(argv[i + 1]);
        else if (!strcmp(argv[i], "--symbols")) syms = argv[i + 1];
        else if (!strcmp(argv[i], "--exit-idle-ms")) exit_idle_ms = atoll(argv[i + 1]);
        else { fprintf(stderr, "load-gen: unknown argument %s\n", argv[i]); return 2; }
    }
    for (char *s = strtok(strdup(syms), ","); s && nsym < 64; s = strtok(NULL, ",")) symbols[nsym++] = s;
    signal(SIGTERM, on_term); signal(SIGINT, on_term);
    send_ns = calloc((size_t)count + 1, sizeof *send_ns);
    latency_ns = calloc((size_t)count + 16, sizeof *latency_ns);
    stamp_age_ms = calloc((size_t)count + 16, sizeof *stamp_age_ms);
    if (!send_ns || !latency_ns || !stamp_age_ms) { fprintf(stderr, "load-gen: out of memory\n"); return 1; }
    ctx = zmq_ctx_new();
    int io = 1;
    zmq_ctx_set(ctx, ZMQ_IO_THREADS, io);
    pthread_t p, g;
    pthread_create(&g, NULL, gateway, NULL);
    pthread_create(&p, NULL, publisher, NULL);
    pthread_join(g, NULL);
    pthread_join(p, NULL);

    long long n = atomic_load(&orders);
    if (n > count + 16) n = count + 16;
    long long k = 0;
    for (long long i = 0; i < n; i++) if (latency_ns[i] >= 0) latency_ns[k++] = latency_ns[i];
    qsort(latency_ns, (size_t)k, sizeof *latency_ns, cmp64);
    long long a = 0;
    for (long long i = 0; i < n; i++) if (stamp_age_ms[i] >= 0) stamp_age_ms[a++] = stamp_age_ms[i] * 1000; /* as us for pct() */
    qsort(stamp_age_ms, (size_t)a, sizeof *stamp_age_ms, cmp64);
    double span = (double)(atomic_load(&last_order_ns) - atomic_load(&first_order_ns)) / 1e9;
    double pub_s = (double)(atomic_load(&publish_end_ns) - atomic_load(&publish_start_ns)) / 1e9;
    printf("{\"ticksSent\":%lld,\"publishSeconds\":%.6f,\"offeredPerSecond\":%.0f,\"orders\":%lld,\"ordersPerSecond\":%.0f,"
           "\"fills\":%lld,\"cancelAll\":%lld,\"heartbeats\":%lld,\"openOrders\":%lld,\"badFrames\":%lld,\"unknownSeq\":%lld,"
           "\"latencyUs\":{\"count\":%lld,\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f,\"p999\":%.1f,\"max\":%.1f},"
           "\"orderStampAgeMs\":{\"count\":%lld,\"p50\":%.0f,\"p99\":%.0f,\"max\":%.0f}}\n",
           atomic_load(&ticks_sent), pub_s, pub_s > 0 ? (double)atomic_load(&ticks_sent) / pub_s : 0,
           atomic_load(&orders), span > 0 ? (double)atomic_load(&orders) / span : 0,
           atomic_load(&fills_sent), atomic_load(&cancel_all), atomic_load(&heartbeats), atomic_load(&open_orders),
           atomic_load(&bad_frames), atomic_load(&unknown_seq),
           k, pct(latency_ns, k, 50), pct(latency_ns, k, 90), pct(latency_ns, k, 99), pct(latency_ns, k, 99.9),
           k ? (double)latency_ns[k - 1] / 1000.0 : 0,
           a, pct(stamp_age_ms, a, 50), pct(stamp_age_ms, a, 99), a ? (double)stamp_age_ms[a - 1] / 1000.0 : 0);
    zmq_ctx_term(ctx);
    return 0;
}
