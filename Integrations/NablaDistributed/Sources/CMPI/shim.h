// The MPI handles Swift cannot import directly.
//
// Open MPI defines MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM and the like as macros that take the
// address of a global (`((MPI_Comm) &ompi_mpi_comm_world)`), MPICH as casts of integer
// constants; Swift imports neither kind of macro. Each function below returns one of them,
// so the Swift side works unchanged over either library.

#ifndef NABLA_CMPI_SHIM_H
#define NABLA_CMPI_SHIM_H

#include <mpi.h>

static inline MPI_Comm nabla_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline int nabla_mpi_thread_serialized(void) { return MPI_THREAD_SERIALIZED; }

static inline MPI_Datatype nabla_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype nabla_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype nabla_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype nabla_mpi_int32(void) { return MPI_INT32_T; }
static inline MPI_Datatype nabla_mpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Datatype nabla_mpi_uint8(void) { return MPI_UINT8_T; }

static inline MPI_Op nabla_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op nabla_mpi_max(void) { return MPI_MAX; }
static inline MPI_Op nabla_mpi_min(void) { return MPI_MIN; }

static inline void *nabla_mpi_in_place(void) { return MPI_IN_PLACE; }

// This process's rank and the number of processes among `comm`'s that share its memory
// (its machine), through a communicator split by MPI_COMM_TYPE_SHARED. In C because the
// new communicator's handle is a pointer in Open MPI and an int in MPICH.
static inline int nabla_mpi_local_rank_and_size(MPI_Comm comm, int *rank, int *size) {
    int worldRank, code;
    MPI_Comm local;
    if ((code = MPI_Comm_rank(comm, &worldRank)) != MPI_SUCCESS) return code;
    if ((code = MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, worldRank, MPI_INFO_NULL, &local)) != MPI_SUCCESS) return code;
    if ((code = MPI_Comm_rank(local, rank)) != MPI_SUCCESS) return code;
    if ((code = MPI_Comm_size(local, size)) != MPI_SUCCESS) return code;
    return MPI_Comm_free(&local);
}

#endif
