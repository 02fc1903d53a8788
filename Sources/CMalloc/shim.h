// glibc's allocator settings (malloc.h), which Glibc's module leaves out.
#include <malloc.h>

// Allocations of `bytes` or more are mapped for themselves and unmapped when freed; setting it also
// stops glibc from raising the threshold as large buffers are freed. Returns 1 on success.
static inline int convoca_map_allocations_from(int bytes) {
    return mallopt(M_MMAP_THRESHOLD, bytes);
}
