extension SIMD2: FloatVector where Scalar: VectorMathScalar {
    /// `a .< b`, vectorised.
    @_transparent @usableFromInline package static func lanesLess(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._less2(a, b) }
    /// `a .<= b`, vectorised.
    @_transparent @usableFromInline package static func lanesLessOrEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._lessOrEqual2(a, b) }
    /// `a .== b`, vectorised.
    @_transparent @usableFromInline package static func lanesEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._equal2(a, b) }
    /// `a .!= b`, vectorised.
    @_transparent @usableFromInline package static func lanesNotEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._notEqual2(a, b) }
    /// Lanes of `whereTrue` where `mask` is set, of `whereFalse` elsewhere.
    @_transparent @usableFromInline package static func select(_ mask: SIMDMask<MaskStorage>, _ whereTrue: Self, _ whereFalse: Self) -> Self { Scalar._select2(mask, whereTrue, whereFalse) }
    /// The estimate of `1 / sqrt(x)` from the bits.
    @_transparent @usableFromInline package static func rsqrtSeed(_ x: Self) -> Self { Scalar._rsqrtSeed2(x) }
}

extension SIMD4: FloatVector where Scalar: VectorMathScalar {
    /// `a .< b`, vectorised.
    @_transparent @usableFromInline package static func lanesLess(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._less4(a, b) }
    /// `a .<= b`, vectorised.
    @_transparent @usableFromInline package static func lanesLessOrEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._lessOrEqual4(a, b) }
    /// `a .== b`, vectorised.
    @_transparent @usableFromInline package static func lanesEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._equal4(a, b) }
    /// `a .!= b`, vectorised.
    @_transparent @usableFromInline package static func lanesNotEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._notEqual4(a, b) }
    /// Lanes of `whereTrue` where `mask` is set, of `whereFalse` elsewhere.
    @_transparent @usableFromInline package static func select(_ mask: SIMDMask<MaskStorage>, _ whereTrue: Self, _ whereFalse: Self) -> Self { Scalar._select4(mask, whereTrue, whereFalse) }
    /// The estimate of `1 / sqrt(x)` from the bits.
    @_transparent @usableFromInline package static func rsqrtSeed(_ x: Self) -> Self { Scalar._rsqrtSeed4(x) }
}

extension SIMD8: FloatVector where Scalar: VectorMathScalar {
    /// `a .< b`, vectorised.
    @_transparent @usableFromInline package static func lanesLess(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._less8(a, b) }
    /// `a .<= b`, vectorised.
    @_transparent @usableFromInline package static func lanesLessOrEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._lessOrEqual8(a, b) }
    /// `a .== b`, vectorised.
    @_transparent @usableFromInline package static func lanesEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._equal8(a, b) }
    /// `a .!= b`, vectorised.
    @_transparent @usableFromInline package static func lanesNotEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._notEqual8(a, b) }
    /// Lanes of `whereTrue` where `mask` is set, of `whereFalse` elsewhere.
    @_transparent @usableFromInline package static func select(_ mask: SIMDMask<MaskStorage>, _ whereTrue: Self, _ whereFalse: Self) -> Self { Scalar._select8(mask, whereTrue, whereFalse) }
    /// The estimate of `1 / sqrt(x)` from the bits.
    @_transparent @usableFromInline package static func rsqrtSeed(_ x: Self) -> Self { Scalar._rsqrtSeed8(x) }
}

extension SIMD16: FloatVector where Scalar: VectorMathScalar {
    /// `a .< b`, vectorised.
    @_transparent @usableFromInline package static func lanesLess(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._less16(a, b) }
    /// `a .<= b`, vectorised.
    @_transparent @usableFromInline package static func lanesLessOrEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._lessOrEqual16(a, b) }
    /// `a .== b`, vectorised.
    @_transparent @usableFromInline package static func lanesEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._equal16(a, b) }
    /// `a .!= b`, vectorised.
    @_transparent @usableFromInline package static func lanesNotEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage> { Scalar._notEqual16(a, b) }
    /// Lanes of `whereTrue` where `mask` is set, of `whereFalse` elsewhere.
    @_transparent @usableFromInline package static func select(_ mask: SIMDMask<MaskStorage>, _ whereTrue: Self, _ whereFalse: Self) -> Self { Scalar._select16(mask, whereTrue, whereFalse) }
    /// The estimate of `1 / sqrt(x)` from the bits.
    @_transparent @usableFromInline package static func rsqrtSeed(_ x: Self) -> Self { Scalar._rsqrtSeed16(x) }
}

extension Float {
    /// Concrete `replacing(with:where:)` (one blend).
    @_transparent @usableFromInline package static func _select2(_ mask: SIMDMask<SIMD2<SIMDMaskScalar>>, _ a: SIMD2<Float>, _ b: SIMD2<Float>) -> SIMD2<Float> { b.replacing(with: a, where: mask) }
    /// Concrete `replacing(with:where:)` (one blend).
    @_transparent @usableFromInline package static func _select4(_ mask: SIMDMask<SIMD4<SIMDMaskScalar>>, _ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD4<Float> { b.replacing(with: a, where: mask) }
    /// Concrete `replacing(with:where:)` (one blend).
    @_transparent @usableFromInline package static func _select8(_ mask: SIMDMask<SIMD8<SIMDMaskScalar>>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { b.replacing(with: a, where: mask) }
    /// Concrete `replacing(with:where:)` (one blend).
    @_transparent @usableFromInline package static func _select16(_ mask: SIMDMask<SIMD16<SIMDMaskScalar>>, _ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> { b.replacing(with: a, where: mask) }
    /// `magic - bits / 2` on concrete lanes.
    @_transparent @usableFromInline package static func _rsqrtSeed2(_ x: SIMD2<Float>) -> SIMD2<Float> {
        unsafeBitCast(SIMD2<UInt32>(repeating: 0x5f37_5a86) &- (unsafeBitCast(x, to: SIMD2<UInt32>.self) &>> 1), to: SIMD2<Float>.self)
    }
    /// `magic - bits / 2` on concrete lanes.
    @_transparent @usableFromInline package static func _rsqrtSeed4(_ x: SIMD4<Float>) -> SIMD4<Float> {
        unsafeBitCast(SIMD4<UInt32>(repeating: 0x5f37_5a86) &- (unsafeBitCast(x, to: SIMD4<UInt32>.self) &>> 1), to: SIMD4<Float>.self)
    }
    /// `magic - bits / 2` on concrete lanes.
    @_transparent @usableFromInline package static func _rsqrtSeed8(_ x: SIMD8<Float>) -> SIMD8<Float> {
        unsafeBitCast(SIMD8<UInt32>(repeating: 0x5f37_5a86) &- (unsafeBitCast(x, to: SIMD8<UInt32>.self) &>> 1), to: SIMD8<Float>.self)
    }
    /// `magic - bits / 2` on concrete lanes.
    @_transparent @usableFromInline package static func _rsqrtSeed16(_ x: SIMD16<Float>) -> SIMD16<Float> {
        unsafeBitCast(SIMD16<UInt32>(repeating: 0x5f37_5a86) &- (unsafeBitCast(x, to: SIMD16<UInt32>.self) &>> 1), to: SIMD16<Float>.self)
    }
    /// Concrete `.<` (one vector compare).
    @_transparent @usableFromInline package static func _less2(_ a: SIMD2<Float>, _ b: SIMD2<Float>) -> SIMDMask<SIMD2<SIMDMaskScalar>> { a .< b }
    /// Concrete `.<` (one vector compare).
    @_transparent @usableFromInline package static func _less4(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMDMask<SIMD4<SIMDMaskScalar>> { a .< b }
    /// Concrete `.<` (one vector compare).
    @_transparent @usableFromInline package static func _less8(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMDMask<SIMD8<SIMDMaskScalar>> { a .< b }
    /// Concrete `.<` (one vector compare).
    @_transparent @usableFromInline package static func _less16(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMDMask<SIMD16<SIMDMaskScalar>> { a .< b }
    /// Concrete `.<=` (one vector compare).
    @_transparent @usableFromInline package static func _lessOrEqual2(_ a: SIMD2<Float>, _ b: SIMD2<Float>) -> SIMDMask<SIMD2<SIMDMaskScalar>> { a .<= b }
    /// Concrete `.<=` (one vector compare).
    @_transparent @usableFromInline package static func _lessOrEqual4(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMDMask<SIMD4<SIMDMaskScalar>> { a .<= b }
    /// Concrete `.<=` (one vector compare).
    @_transparent @usableFromInline package static func _lessOrEqual8(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMDMask<SIMD8<SIMDMaskScalar>> { a .<= b }
    /// Concrete `.<=` (one vector compare).
    @_transparent @usableFromInline package static func _lessOrEqual16(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMDMask<SIMD16<SIMDMaskScalar>> { a .<= b }
    /// Concrete `.==` (one vector compare).
    @_transparent @usableFromInline package static func _equal2(_ a: SIMD2<Float>, _ b: SIMD2<Float>) -> SIMDMask<SIMD2<SIMDMaskScalar>> { a .== b }
    /// Concrete `.==` (one vector compare).
    @_transparent @usableFromInline package static func _equal4(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMDMask<SIMD4<SIMDMaskScalar>> { a .== b }
    /// Concrete `.==` (one vector compare).
    @_transparent @usableFromInline package static func _equal8(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMDMask<SIMD8<SIMDMaskScalar>> { a .== b }
    /// Concrete `.==` (one vector compare).
    @_transparent @usableFromInline package static func _equal16(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMDMask<SIMD16<SIMDMaskScalar>> { a .== b }
    /// Concrete `.!=` (one vector compare).
    @_transparent @usableFromInline package static func _notEqual2(_ a: SIMD2<Float>, _ b: SIMD2<Float>) -> SIMDMask<SIMD2<SIMDMaskScalar>> { a .!= b }
    /// Concrete `.!=` (one vector compare).
    @_transparent @usableFromInline package static func _notEqual4(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMDMask<SIMD4<SIMDMaskScalar>> { a .!= b }
    /// Concrete `.!=` (one vector compare).
    @_transparent @usableFromInline package static func _notEqual8(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMDMask<SIMD8<SIMDMaskScalar>> { a .!= b }
    /// Concrete `.!=` (one vector compare).
    @_transparent @usableFromInline package static func _notEqual16(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMDMask<SIMD16<SIMDMaskScalar>> { a .!= b }
}

extension Double {
    /// Concrete `replacing(with:where:)` (one blend).
    @_transparent @usableFromInline package static func _select2(_ mask: SIMDMask<SIMD2<SIMDMaskScalar>>, _ a: SIMD2<Double>, _ b: SIMD2<Double>) -> SIMD2<Double> { b.replacing(with: a, where: mask) }
    /// Concrete `replacing(with:where:)` (one blend).
    @_transparent @usableFromInline package static func _select4(_ mask: SIMDMask<SIMD4<SIMDMaskScalar>>, _ a: SIMD4<Double>, _ b: SIMD4<Double>) -> SIMD4<Double> { b.replacing(with: a, where: mask) }
    /// Concrete `replacing(with:where:)` (one blend).
    @_transparent @usableFromInline package static func _select8(_ mask: SIMDMask<SIMD8<SIMDMaskScalar>>, _ a: SIMD8<Double>, _ b: SIMD8<Double>) -> SIMD8<Double> { b.replacing(with: a, where: mask) }
    /// Concrete `replacing(with:where:)` (one blend).
    @_transparent @usableFromInline package static func _select16(_ mask: SIMDMask<SIMD16<SIMDMaskScalar>>, _ a: SIMD16<Double>, _ b: SIMD16<Double>) -> SIMD16<Double> { b.replacing(with: a, where: mask) }
    /// `magic - bits / 2` on concrete lanes.
    @_transparent @usableFromInline package static func _rsqrtSeed2(_ x: SIMD2<Double>) -> SIMD2<Double> {
        unsafeBitCast(SIMD2<UInt64>(repeating: 0x5fe6_eb50_c7b5_37a9) &- (unsafeBitCast(x, to: SIMD2<UInt64>.self) &>> 1), to: SIMD2<Double>.self)
    }
    /// `magic - bits / 2` on concrete lanes.
    @_transparent @usableFromInline package static func _rsqrtSeed4(_ x: SIMD4<Double>) -> SIMD4<Double> {
        unsafeBitCast(SIMD4<UInt64>(repeating: 0x5fe6_eb50_c7b5_37a9) &- (unsafeBitCast(x, to: SIMD4<UInt64>.self) &>> 1), to: SIMD4<Double>.self)
    }
    /// `magic - bits / 2` on concrete lanes.
    @_transparent @usableFromInline package static func _rsqrtSeed8(_ x: SIMD8<Double>) -> SIMD8<Double> {
        unsafeBitCast(SIMD8<UInt64>(repeating: 0x5fe6_eb50_c7b5_37a9) &- (unsafeBitCast(x, to: SIMD8<UInt64>.self) &>> 1), to: SIMD8<Double>.self)
    }
    /// `magic - bits / 2` on concrete lanes.
    @_transparent @usableFromInline package static func _rsqrtSeed16(_ x: SIMD16<Double>) -> SIMD16<Double> {
        unsafeBitCast(SIMD16<UInt64>(repeating: 0x5fe6_eb50_c7b5_37a9) &- (unsafeBitCast(x, to: SIMD16<UInt64>.self) &>> 1), to: SIMD16<Double>.self)
    }
    /// Concrete `.<` (one vector compare).
    @_transparent @usableFromInline package static func _less2(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> SIMDMask<SIMD2<SIMDMaskScalar>> { a .< b }
    /// Concrete `.<` (one vector compare).
    @_transparent @usableFromInline package static func _less4(_ a: SIMD4<Double>, _ b: SIMD4<Double>) -> SIMDMask<SIMD4<SIMDMaskScalar>> { a .< b }
    /// Concrete `.<` (one vector compare).
    @_transparent @usableFromInline package static func _less8(_ a: SIMD8<Double>, _ b: SIMD8<Double>) -> SIMDMask<SIMD8<SIMDMaskScalar>> { a .< b }
    /// Concrete `.<` (one vector compare).
    @_transparent @usableFromInline package static func _less16(_ a: SIMD16<Double>, _ b: SIMD16<Double>) -> SIMDMask<SIMD16<SIMDMaskScalar>> { a .< b }
    /// Concrete `.<=` (one vector compare).
    @_transparent @usableFromInline package static func _lessOrEqual2(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> SIMDMask<SIMD2<SIMDMaskScalar>> { a .<= b }
    /// Concrete `.<=` (one vector compare).
    @_transparent @usableFromInline package static func _lessOrEqual4(_ a: SIMD4<Double>, _ b: SIMD4<Double>) -> SIMDMask<SIMD4<SIMDMaskScalar>> { a .<= b }
    /// Concrete `.<=` (one vector compare).
    @_transparent @usableFromInline package static func _lessOrEqual8(_ a: SIMD8<Double>, _ b: SIMD8<Double>) -> SIMDMask<SIMD8<SIMDMaskScalar>> { a .<= b }
    /// Concrete `.<=` (one vector compare).
    @_transparent @usableFromInline package static func _lessOrEqual16(_ a: SIMD16<Double>, _ b: SIMD16<Double>) -> SIMDMask<SIMD16<SIMDMaskScalar>> { a .<= b }
    /// Concrete `.==` (one vector compare).
    @_transparent @usableFromInline package static func _equal2(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> SIMDMask<SIMD2<SIMDMaskScalar>> { a .== b }
    /// Concrete `.==` (one vector compare).
    @_transparent @usableFromInline package static func _equal4(_ a: SIMD4<Double>, _ b: SIMD4<Double>) -> SIMDMask<SIMD4<SIMDMaskScalar>> { a .== b }
    /// Concrete `.==` (one vector compare).
    @_transparent @usableFromInline package static func _equal8(_ a: SIMD8<Double>, _ b: SIMD8<Double>) -> SIMDMask<SIMD8<SIMDMaskScalar>> { a .== b }
    /// Concrete `.==` (one vector compare).
    @_transparent @usableFromInline package static func _equal16(_ a: SIMD16<Double>, _ b: SIMD16<Double>) -> SIMDMask<SIMD16<SIMDMaskScalar>> { a .== b }
    /// Concrete `.!=` (one vector compare).
    @_transparent @usableFromInline package static func _notEqual2(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> SIMDMask<SIMD2<SIMDMaskScalar>> { a .!= b }
    /// Concrete `.!=` (one vector compare).
    @_transparent @usableFromInline package static func _notEqual4(_ a: SIMD4<Double>, _ b: SIMD4<Double>) -> SIMDMask<SIMD4<SIMDMaskScalar>> { a .!= b }
    /// Concrete `.!=` (one vector compare).
    @_transparent @usableFromInline package static func _notEqual8(_ a: SIMD8<Double>, _ b: SIMD8<Double>) -> SIMDMask<SIMD8<SIMDMaskScalar>> { a .!= b }
    /// Concrete `.!=` (one vector compare).
    @_transparent @usableFromInline package static func _notEqual16(_ a: SIMD16<Double>, _ b: SIMD16<Double>) -> SIMDMask<SIMD16<SIMDMaskScalar>> { a .!= b }
}
