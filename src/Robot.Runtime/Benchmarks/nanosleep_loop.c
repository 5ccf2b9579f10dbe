/* Baseline for `robot bench loop`: the period error of a plain C loop that sleeps to absolute
 * deadlines with clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME) — the best a stock Linux
 * process does without spinning. Same SCHED_FIFO request as the C# driver.
 * Usage: nanosleep_loop SECONDS RATE_HZ
 * Prints: "<ticks> <p50_us> <p99_us> <p999_us> <max_us> <fifo:0|1>" on one line. */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s SECONDS RATE_HZ\n", argv[0]); return 2; }
    double seconds = atof(argv[1]), rate = atof(argv[2]);
    long period = (long)(1e9 / rate);
    long n = (long)(seconds * rate);
    if (n <= 0) { fprintf(stderr, "nothing to run\n"); return 2; }
    struct sched_param p = { .sched_priority = 80 };
    int fifo = sched_setscheduler(0, SCHED_FIFO, &p) == 0;
    long long *late = malloc(sizeof(long long) * n);
    long long deadline = now_ns() + period;
    for (long i = 0; i < n; i++) {
        struct timespec t = { deadline / 1000000000LL, deadline % 1000000000LL };
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL);
        long long l = now_ns() - deadline;
        late[i] = l < 0 ? 0 : l;
        deadline += period;
    }
    qsort(late, n, sizeof(long long), cmp);
    printf("%ld %.3f %.3f %.3f %.3f %d\n", n, late[n / 2] / 1e3, late[(long)(n * 0.99)] / 1e3,
           late[(long)(n * 0.999)] / 1e3, late[n - 1] / 1e3, fifo);
    free(late);
    return 0;
}
