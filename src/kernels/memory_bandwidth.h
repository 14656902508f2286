// Measures the machine's sustained read bandwidth: the decode roofline's denominator.
#pragma once

#include <cstddef>

#include "kernels/thread_pool.h"

namespace tandem::kernels {

// Bytes per second for reading a buffer of `bytes` with all pool threads (best of `reps`).
double measure_read_bandwidth(ThreadPool& pool, size_t bytes = size_t{1} << 30, int reps = 5);

}  // namespace tandem::kernels
