/*
 * allreduce.c: MPI_Allreduce latency and bandwidth on float arrays of 1 MB to 100 MB,
 * timed as the OSU micro-benchmarks' osu_allreduce times it: per iteration, the call
 * alone between two MPI_Wtime() reads, then a barrier outside the timing; the first
 * iterations are a warm-up; each rank's mean is averaged over the ranks. The reference
 * for nabla-ddp-bench's `allreduce` suite, which times Nabla's ProcessGroup.allReduce the
 * same way in the same job layout.
 *
 *     mpicc -O2 -o allreduce allreduce.c && mpirun -np 2 ./allreduce
 *
 * Prints one line per size: bytes, then the mean latency in microseconds of the
 * out-of-place call (separate send and receive buffers, osu_allreduce's) and of the
 * in-place call (MPI_IN_PLACE, what ProcessGroup.allReduce makes).
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double sizesMB[] = {1, 2, 4, 8, 16, 32, 64, 100};

/* Iterations for a message of `bytes`: about 2 GB moved per size, 10 to 100 of them. */
static int iterationsFor(size_t bytes) {
    size_t n = (2000u * 1000u * 1000u) / bytes;
    return n < 10 ? 10 : n > 100 ? 100 : (int)n;
}

static double meanLatency(float *send, float *receive, int count, int inPlace, int iterations, int warmup) {
    double total = 0;
    for (int i = 0; i < warmup + iterations; i++) {
        double start = MPI_Wtime();
        if (inPlace) {
            MPI_Allreduce(MPI_IN_PLACE, receive, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        } else {
            MPI_Allreduce(send, receive, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        }
        double stop = MPI_Wtime();
        if (i >= warmup) total += stop - start;
        MPI_Barrier(MPI_COMM_WORLD);
    }
    double mine = total / iterations, sum = 0;
    int size;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Allreduce(&mine, &sum, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    return sum / size;
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (rank == 0) printf("# C MPI_Allreduce (float, sum), %d ranks\n# bytes out-of-place-us in-place-us\n", size);
    for (size_t s = 0; s < sizeof sizesMB / sizeof sizesMB[0]; s++) {
        size_t bytes = (size_t)(sizesMB[s] * 1000 * 1000);
        int count = (int)(bytes / sizeof(float));
        float *send = malloc(bytes), *receive = malloc(bytes);
        /* Zeros: repeated in-place sums stay finite and never turn subnormal. */
        memset(send, 0, bytes);
        memset(receive, 0, bytes);
        int iterations = iterationsFor(bytes);
        double outOfPlace = meanLatency(send, receive, count, 0, iterations, 3);
        double inPlace = meanLatency(send, receive, count, 1, iterations, 3);
        if (rank == 0) printf("%zu %.1f %.1f\n", bytes, outOfPlace * 1e6, inPlace * 1e6);
        free(send);
        free(receive);
    }
    MPI_Finalize();
    return 0;
}
