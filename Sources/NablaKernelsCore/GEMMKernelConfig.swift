/// What one instruction set contributes to GEMM: its vector type, its tile height, its
/// cache blocking, and the handful of vector operations the micro-kernel needs.
///
/// The loops, packing and micro-kernel in this module are generic over a config and
/// `@inlinable`; each ISA target declares its configs (internal enums) and instantiates
/// ``GEMM`` with them under its own `-target-cpu`. Two rules keep the ISAs apart:
///
/// - The operations are requirements implemented on concrete SIMD types in the ISA target,
///   so they compile to that target's instructions (the generic `SIMD` operators are lane
///   loops, and `addProduct` without FMA hardware is a `fmaf` call per lane).
/// - Every generic function is generic over the config, never over a bare `SIMD` type:
///   specialisations are named after their generic arguments and the linker keeps one copy
///   per name, so a helper generic over `SIMD8<Float>` alone, specialised in the AVX2 and
///   the baseline target, could run AVX2 code on a baseline CPU.
///
/// A micro-tile is `mr` rows by `nr = 2 * Vector.scalarCount` columns, held in
/// `2 * mr` vector accumulators (at most 12 rows).
@usableFromInline package protocol GEMMKernelConfig {
    /// The element type, `Float` or `Double`.
    associatedtype Scalar: BinaryFloatingPoint & SIMDScalar where Scalar.SIMD4Storage: BitwiseCopyable
    /// One register's worth of elements.
    associatedtype Vector: SIMD where Vector.Scalar == Scalar
    /// The vector of the loops that stream two inputs from memory with little work per
    /// element (the binary operations of cost 1, such as `a + b`, and contiguous sums):
    /// ``Vector`` unless the target measured a narrower one faster there.
    associatedtype StreamVector: SIMD = Vector where StreamVector.Scalar == Scalar

    /// Rows of the micro-tile (1...12): the number of accumulator pairs the register file
    /// holds next to two B vectors and one broadcast A element.
    static var mr: Int { get }
    /// Largest depth of a packed block; ``GEMM`` splits `k` into equal blocks no deeper.
    /// Every depth block is a full pass over C (read, add, write back), and at large n
    /// those passes cost more than streaming both micro-panels from L2, which the
    /// micro-kernel does at 93-97% of its in-L1 speed. Measured on a 2-vCPU Zen 5 (48 KiB
    /// L1d, 1 MiB L2): deep blocks (512-1024) beat L1-sized ones (192-256) by 10-25% at
    /// n = 1024-2048.
    static var kc: Int { get }
    /// Rows of a packed A block (`mc x kc`, a multiple of `mr`): the block lives in L2
    /// next to the B micro-panel streamed through it (about 200 KiB of A).
    static var mc: Int { get }
    /// Columns of a packed B block (`kc x nc`, a multiple of `nr`), sized for L3.
    static var nc: Int { get }

    /// A vector with every lane set to `x`.
    static func splat(_ x: Scalar) -> Vector
    /// Loads `Vector.scalarCount` elements from `p` (no alignment assumed).
    static func load(_ p: UnsafePointer<Scalar>) -> Vector
    /// Stores `v` to `p` (no alignment assumed).
    static func store(_ v: Vector, to p: UnsafeMutablePointer<Scalar>)
    /// `acc += a * b`, fused where the instruction set has FMA.
    static func multiplyAdd(_ acc: inout Vector, _ a: Vector, _ b: Vector)
    /// `a * b`, lane by lane.
    static func multiply(_ a: Vector, _ b: Vector) -> Vector
    /// The even-numbered lanes of `a`, then those of `b`: a stride-2 gather from two
    /// consecutive loads (the convolution's im2col gather at stride 2).
    static func evenLanes(_ a: Vector, _ b: Vector) -> Vector
}

extension GEMMKernelConfig {
    /// Columns of the micro-tile: two vectors.
    @inlinable
    package static var nr: Int { 2 &* Vector.scalarCount }
}
