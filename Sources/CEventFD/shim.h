// What the database event loops need from Linux beyond Glibc's module: wake-up counters (eventfd)
// and naming their threads (prctl), so they show up in top -H and perf.
#include <sys/eventfd.h>
#include <sys/prctl.h>

static inline void convoca_name_current_thread(const char *name) {
    prctl(PR_SET_NAME, name, 0, 0, 0);
}
