import Foundation
import Testing
@testable import Nabla

/// The one tolerance helper for approximate comparisons: |a - b| <= atol + rtol * |b|,
/// NaNs equal to NaNs. Reports the first mismatch with its flat index.
func expectClose(_ actual: [Double], _ expected: [Double], rtol: Double = 1e-5, atol: Double = 1e-6,
                 _ comment: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(comment): \(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
    for (i, (a, b)) in zip(actual, expected).enumerated() {
        let same = (a.isNaN && b.isNaN) || a == b || abs(a - b) <= atol + rtol * abs(b)
        if !same {
            Issue.record("\(comment): element \(i) is \(a), expected \(b)", sourceLocation: sourceLocation)
            return
        }
    }
}

/// Compares a tensor's shape and values with an expected tensor.
func expectClose(_ actual: Tensor, _ expected: Tensor, rtol: Double = 1e-5, atol: Double = 1e-6,
                 _ comment: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.shape == expected.shape, "\(comment): shape \(actual.shape), expected \(expected.shape)", sourceLocation: sourceLocation)
    expectClose(actual.toArray(Double.self), expected.toArray(Double.self), rtol: rtol, atol: atol, comment, sourceLocation: sourceLocation)
}

/// The folder of the test fixtures copied into the test bundle.
let fixturesURL: URL = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
