/* The raw forward: the floor any tick->order middle pays on this machine. SUB -> DEALER, one order per tick, no logic
 * beyond copying the tick's seq into the order (so the gateway can time it). Same socket options as edgetrader:
 * unlimited HWM, DEALER with IMMEDIATE. Blocking receive (or --poll: busy zmq_poll with timeout 0).
 *   raw-forward TICKS_ENDPOINT GATEWAY_ENDPOINT [--poll]
 */
#include <zmq.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t stop = 0;
static void on_term(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: raw-forward TICKS GATEWAY [--poll]\n"); return 2; }
    int busy = argc > 3 && strcmp(argv[3], "--poll") == 0;
    signal(SIGTERM, on_term); signal(SIGINT, on_term);
    void *ctx = zmq_ctx_new();
    void *sub = zmq_socket(ctx, ZMQ_SUB), *dealer = zmq_socket(ctx, ZMQ_DEALER);
    int zero = 0, one = 1, timeout = 100;
    zmq_setsockopt(sub, ZMQ_RCVHWM, &zero, sizeof zero);
    zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0);
    zmq_setsockopt(sub, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt(dealer, ZMQ_SNDHWM, &zero, sizeof zero);
    zmq_setsockopt(dealer, ZMQ_IMMEDIATE, &one, sizeof one);
    zmq_setsockopt(dealer, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(sub, ZMQ_LINGER, &zero, sizeof zero);
    if (zmq_connect(sub, argv[1]) || zmq_connect(dealer, argv[2])) { perror("zmq_connect"); return 1; }
    /* A heartbeat first, as edgetrader sends one: the load generator starts once both sockets are in. */
    for (int tries = 0; tries < 200 && zmq_send(dealer, "{\"type\":\"heartbeat\"}", 20, ZMQ_DONTWAIT) < 0; tries++) {
        struct timespec w = { 0, 10 * 1000 * 1000 }; nanosleep(&w, NULL);
    }
    char tick[4096], order[512];
    long long n = 0;
    zmq_pollitem_t item = { sub, 0, ZMQ_POLLIN, 0 };
    while (!stop) {
        if (busy) { if (zmq_poll(&item, 1, 0) <= 0) continue; }
        int len = zmq_recv(sub, tick, sizeof tick - 1, busy ? ZMQ_DONTWAIT : 0);
        if (len < 0) continue;
        if (len >= (int)sizeof tick) len = sizeof tick - 1;
        tick[len] = 0;
        const char *s = strstr(tick, "\"seq\":");
        long long seq = s ? atoll(s + 6) : 0;
        struct timespec ts; clock_gettime(CLOCK_REALTIME, &ts);
        long long ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
        int m = snprintf(order, sizeof order,
            "{\"type\":\"order\",\"id\":\"raw-%lld\",\"symbol\":\"EURUSD\",\"side\":\"BUY\",\"qty\":0.01,\"price\":1.1,\"tickSeq\":%lld,\"time\":%lld}",
            ++n, seq, ms);
        zmq_send(dealer, order, m, ZMQ_DONTWAIT);
    }
    fprintf(stderr, "raw-forward: %lld orders\n", n);
    zmq_close(sub); zmq_close(dealer); zmq_ctx_term(ctx);
    return 0;
}
