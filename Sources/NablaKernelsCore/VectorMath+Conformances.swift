extension SIMD2: FloatVector where Scalar: VectorMathScalar {
    /// `a .< b`, vectorised.
    @_transparent public static func lanesLess(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._less2(a, b) }
    /// `a .<= b`, vectorised.
    @_transparent public static func lanesLessOrEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._lessOrEqual2(a, b) }
    /// `a .== b`, vectorised.
    @_transparent public static func lanesEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._equal2(a, b) }
    /// `a .!= b`, vectorised.
    @_transparent public static func lanesNotEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._notEqual2(a, b) }
}

extension SIMD4: FloatVector where Scalar: VectorMathScalar {
    /// `a .< b`, vectorised.
    @_transparent public static func lanesLess(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._less4(a, b) }
    /// `a .<= b`, vectorised.
    @_transparent public static func lanesLessOrEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._lessOrEqual4(a, b) }
    /// `a .== b`, vectorised.
    @_transparent public static func lanesEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._equal4(a, b) }
    /// `a .!= b`, vectorised.
    @_transparent public static func lanesNotEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._notEqual4(a, b) }
}

extension SIMD8: FloatVector where Scalar: VectorMathScalar {
    /// `a .< b`, vectorised.
    @_transparent public static func lanesLess(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._less8(a, b) }
    /// `a .<= b`, vectorised.
    @_transparent public static func lanesLessOrEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._lessOrEqual8(a, b) }
    /// `a .== b`, vectorised.
    @_transparent public static func lanesEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._equal8(a, b) }
    /// `a .!= b`, vectorised.
    @_transparent public static func lanesNotEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._notEqual8(a, b) }
}

extension SIMD16: FloatVector where Scalar: VectorMathScalar {
    /// `a .< b`, vectorised.
    @_transparent public static func lanesLess(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._less16(a, b) }
    /// `a .<= b`, vectorised.
    @_transparent public static func lanesLessOrEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._lessOrEqual16(a, b) }
    /// `a .== b`, vectorised.
    @_transparent public static func lanesEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._equal16(a, b) }
    /// `a .!= b`, vectorised.
    @_transparent public static func lanesNotEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._notEqual16(a, b) }
}

extension Float {
    /// Concrete `.<` (one vector compare).
    @_transparent public static func _less2(_ a: SIMD2<Float>, _ b: SIMD2<Float>) -> SIMDMask<SIMD2<SIMDMaskScalar>> { a .< b }
    /// Concrete `.<` (one vector compare).
    @_transparent public static func _less4(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMDMask<SIMD4<SIMDMaskScalar>> { a .< b }
    /// Concrete `.<` (one vector compare).
    @_transparent public static func _less8(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMDMask<SIMD8<SIMDMaskScalar>> { a .< b }
    /// Concrete `.<` (one vector compare).
    @_transparent public static func _less16(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMDMask<SIMD16<SIMDMaskScalar>> { a .< b }
    /// Concrete `.<=` (one vector compare).
    @_transparent public static func _lessOrEqual2(_ a: SIMD2<Float>, _ b: SIMD2<Float>) -> SIMDMask<SIMD2<SIMDMaskScalar>> { a .<= b }
    /// Concrete `.<=` (one vector compare).
    @_transparent public static func _lessOrEqual4(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMDMask<SIMD4<SIMDMaskScalar>> { a .<= b }
    /// Concrete `.<=` (one vector compare).
    @_transparent public static func _lessOrEqual8(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMDMask<SIMD8<SIMDMaskScalar>> { a .<= b }
    /// Concrete `.<=` (one vector compare).
    @_transparent public static func _lessOrEqual16(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMDMask<SIMD16<SIMDMaskScalar>> { a .<= b }
    /// Concrete `.==` (one vector compare).
    @_transparent public static func _equal2(_ a: SIMD2<Float>, _ b: SIMD2<Float>) -> SIMDMask<SIMD2<SIMDMaskScalar>> { a .== b }
    /// Concrete `.==` (one vector compare).
    @_transparent public static func _equal4(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMDMask<SIMD4<SIMDMaskScalar>> { a .== b }
    /// Concrete `.==` (one vector compare).
    @_transparent public static func _equal8(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMDMask<SIMD8<SIMDMaskScalar>> { a .== b }
    /// Concrete `.==` (one vector compare).
    @_transparent public static func _equal16(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMDMask<SIMD16<SIMDMaskScalar>> { a .== b }
    /// Concrete `.!=` (one vector compare).
    @_transparent public static func _notEqual2(_ a: SIMD2<Float>, _ b: SIMD2<Float>) -> SIMDMask<SIMD2<SIMDMaskScalar>> { a .!= b }
    /// Concrete `.!=` (one vector compare).
    @_transparent public static func _notEqual4(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMDMask<SIMD4<SIMDMaskScalar>> { a .!= b }
    /// Concrete `.!=` (one vector compare).
    @_transparent public static func _notEqual8(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMDMask<SIMD8<SIMDMaskScalar>> { a .!= b }
    /// Concrete `.!=` (one vector compare).
    @_transparent public static func _notEqual16(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMDMask<SIMD16<SIMDMaskScalar>> { a .!= b }
}

extension Double {
    /// Concrete `.<` (one vector compare).
    @_transparent public static func _less2(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> SIMDMask<SIMD2<SIMDMaskScalar>> { a .< b }
    /// Concrete `.<` (one vector compare).
    @_transparent public static func _less4(_ a: SIMD4<Double>, _ b: SIMD4<Double>) -> SIMDMask<SIMD4<SIMDMaskScalar>> { a .< b }
    /// Concrete `.<` (one vector compare).
    @_transparent public static func _less8(_ a: SIMD8<Double>, _ b: SIMD8<Double>) -> SIMDMask<SIMD8<SIMDMaskScalar>> { a .< b }
    /// Concrete `.<` (one vector compare).
    @_transparent public static func _less16(_ a: SIMD16<Double>, _ b: SIMD16<Double>) -> SIMDMask<SIMD16<SIMDMaskScalar>> { a .< b }
    /// Concrete `.<=` (one vector compare).
    @_transparent public static func _lessOrEqual2(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> SIMDMask<SIMD2<SIMDMaskScalar>> { a .<= b }
    /// Concrete `.<=` (one vector compare).
    @_transparent public static func _lessOrEqual4(_ a: SIMD4<Double>, _ b: SIMD4<Double>) -> SIMDMask<SIMD4<SIMDMaskScalar>> { a .<= b }
    /// Concrete `.<=` (one vector compare).
    @_transparent public static func _lessOrEqual8(_ a: SIMD8<Double>, _ b: SIMD8<Double>) -> SIMDMask<SIMD8<SIMDMaskScalar>> { a .<= b }
    /// Concrete `.<=` (one vector compare).
    @_transparent public static func _lessOrEqual16(_ a: SIMD16<Double>, _ b: SIMD16<Double>) -> SIMDMask<SIMD16<SIMDMaskScalar>> { a .<= b }
    /// Concrete `.==` (one vector compare).
    @_transparent public static func _equal2(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> SIMDMask<SIMD2<SIMDMaskScalar>> { a .== b }
    /// Concrete `.==` (one vector compare).
    @_transparent public static func _equal4(_ a: SIMD4<Double>, _ b: SIMD4<Double>) -> SIMDMask<SIMD4<SIMDMaskScalar>> { a .== b }
    /// Concrete `.==` (one vector compare).
    @_transparent public static func _equal8(_ a: SIMD8<Double>, _ b: SIMD8<Double>) -> SIMDMask<SIMD8<SIMDMaskScalar>> { a .== b }
    /// Concrete `.==` (one vector compare).
    @_transparent public static func _equal16(_ a: SIMD16<Double>, _ b: SIMD16<Double>) -> SIMDMask<SIMD16<SIMDMaskScalar>> { a .== b }
    /// Concrete `.!=` (one vector compare).
    @_transparent public static func _notEqual2(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> SIMDMask<SIMD2<SIMDMaskScalar>> { a .!= b }
    /// Concrete `.!=` (one vector compare).
    @_transparent public static func _notEqual4(_ a: SIMD4<Double>, _ b: SIMD4<Double>) -> SIMDMask<SIMD4<SIMDMaskScalar>> { a .!= b }
    /// Concrete `.!=` (one vector compare).
    @_transparent public static func _notEqual8(_ a: SIMD8<Double>, _ b: SIMD8<Double>) -> SIMDMask<SIMD8<SIMDMaskScalar>> { a .!= b }
    /// Concrete `.!=` (one vector compare).
    @_transparent public static func _notEqual16(_ a: SIMD16<Double>, _ b: SIMD16<Double>) -> SIMDMask<SIMD16<SIMDMaskScalar>> { a .!= b }
}
