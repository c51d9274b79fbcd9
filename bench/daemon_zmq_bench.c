/*
 * daemon_zmq_bench — the transport's limit: raw libzmq PUB -> SUB over tcp
 * loopback with the same messages newswired published (a file written by
 * bench/daemon_bench.py), no store, no HTTP, no extraction. Prints messages/s
 * and MB/s. Not a test.
 *
 * usage: bench_daemon_zmq FRAMES-FILE [MIN-MESSAGES]
 * FRAMES-FILE: per message, three frames, each a 4-byte big-endian length
 * and the bytes (topic, event, trailer).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

struct frame {
        unsigned char *data;
        size_t len;
};

struct sub_arg {
        void *ctx;
        char endpoint[256];
        uint64_t expect; /* event messages to receive */
        uint64_t got;
        double t_end;
};

static double
now(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Receive until expect event messages arrived (sync messages skipped). */
static void *
sub_main(void *p)
{
        struct sub_arg *a = p;
        void *s = zmq_socket(a->ctx, ZMQ_SUB);
        int hwm = 0, more;
        size_t ml = sizeof more;
        zmq_msg_t m;

        zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof hwm);
        zmq_setsockopt(s, ZMQ_SUBSCRIBE, "", 0);
        zmq_connect(s, a->endpoint);
        zmq_msg_init(&m);
        while (a->got < a->expect) {
                bool sync;
                if (zmq_msg_recv(&m, s, 0) == -1)
                        break;
                sync = zmq_msg_size(&m) == 5 && memcmp(zmq_msg_data(&m), "$sync", 5) == 0;
                do {
                        zmq_getsockopt(s, ZMQ_RCVMORE, &more, &ml);
                        if (more)
                                zmq_msg_recv(&m, s, 0);
                } while (more);
                if (!sync)
                        a->got++;
        }
        a->t_end = now();
        zmq_msg_close(&m);
        zmq_close(s);
        return NULL;
}

int
main(int argc, char **argv)
{
        FILE *f;
        struct frame *fr = NULL;
        size_t nfr = 0, cap = 0, nmsg, i, rounds;
        uint64_t min = argc > 2 ? strtoull(argv[2], NULL, 10) : 200000, bytes = 0;
        unsigned char len4[4];
        void *ctx, *pub;
        int hwm = 0;
        size_t elen;
        struct sub_arg a;
        pthread_t th;
        double t0, secs;

        if (argc < 2) {
                fprintf(stderr, "usage: %s FRAMES-FILE [MIN-MESSAGES]\n", argv[0]);
                return 2;
        }
        if ((f = fopen(argv[1], "rb")) == NULL) {
                perror(argv[1]);
                return 1;
        }
        while (fread(len4, 1, 4, f) == 4) {
                size_t len =
                    (size_t)len4[0] << 24 | (size_t)len4[1] << 16 | (size_t)len4[2] << 8 | len4[3];
                if (nfr == cap) {
                        cap = cap ? cap * 2 : 1024;
                        fr = realloc(fr, cap * sizeof *fr);
                }
                fr[nfr].data = malloc(len ? len : 1);
                fr[nfr].len = len;
                if (len && fread(fr[nfr].data, 1, len, f) != len)
                        break;
                nfr++;
        }
        fclose(f);
        nmsg = nfr / 3;
        if (nmsg == 0) {
                fprintf(stderr, "%s: no messages\n", argv[1]);
                return 1;
        }
        for (i = 0; i < nmsg * 3; i++)
                bytes += fr[i].len;
        rounds = (min + nmsg - 1) / nmsg;

        ctx = zmq_ctx_new();
        pub = zmq_socket(ctx, ZMQ_PUB);
        zmq_setsockopt(pub, ZMQ_SNDHWM, &hwm, sizeof hwm);
        zmq_bind(pub, "tcp://127.0.0.1:*");
        memset(&a, 0, sizeof a);
        a.ctx = ctx;
        elen = sizeof a.endpoint;
        zmq_getsockopt(pub, ZMQ_LAST_ENDPOINT, a.endpoint, &elen);
        a.expect = (uint64_t)rounds * nmsg;
        pthread_create(&th, NULL, sub_main, &a);
        /* The slow-joiner: send sync messages until the subscriber is there. */
        for (i = 0; i < 200; i++) {
                zmq_send(pub, "$sync", 5, 0);
                struct timespec ts = {0, 10 * 1000 * 1000};
                nanosleep(&ts, NULL);
        }
        t0 = now();
        for (size_t r = 0; r < rounds; r++) {
                for (i = 0; i < nmsg; i++) {
                        zmq_send(pub, fr[3 * i].data, fr[3 * i].len, ZMQ_SNDMORE);
                        zmq_send(pub, fr[3 * i + 1].data, fr[3 * i + 1].len, ZMQ_SNDMORE);
                        zmq_send(pub, fr[3 * i + 2].data, fr[3 * i + 2].len, 0);
                }
        }
        pthread_join(th, NULL);
        secs = a.t_end - t0;
        printf("raw libzmq PUB->SUB (tcp loopback): %llu messages of %zu distinct (avg %.0f bytes) "
               "in %.3f s: %.0f msg/s, %.1f MB/s\n",
               (unsigned long long)a.got, nmsg, (double)bytes / (double)nmsg, secs,
               (double)a.got / secs, (double)bytes / (double)nmsg * (double)a.got / secs / 1e6);
        printf("RAW_MSGS_PER_SEC %.0f\n", (double)a.got / secs);
        zmq_close(pub);
        zmq_ctx_term(ctx);
        for (i = 0; i < nfr; i++)
                free(fr[i].data);
        free(fr);
        return a.got == a.expect ? 0 : 1;
}
