import Foundation

/// Multinomial logistic regression over hashed sparse features, trained by
/// stochastic gradient descent in a fixed order (a seeded shuffle), so the
/// same examples always give the same weights.
struct LinearModel: Sendable {
    let classCount: Int
    let bits: Int
    /// Bucket-major: the `classCount` weights of bucket b start at b * classCount.
    private(set) var weights: [Float]
    private(set) var bias: [Float]

    struct TrainingSettings: Sendable, Equatable {
        var epochs: Int
        var learningRate: Float
        var seed: UInt64
    }

    init(classCount: Int, bits: Int) {
        self.classCount = classCount
        self.bits = bits
        weights = [Float](repeating: 0, count: (1 << bits) * classCount)
        bias = [Float](repeating: 0, count: classCount)
    }

    static func train(_ examples: [(features: FeatureVector, label: Int)], classCount: Int, bits: Int,
                      settings: TrainingSettings) -> LinearModel {
        var model = LinearModel(classCount: classCount, bits: bits)
        var order = Array(examples.indices)
        var random = SplitMix64(seed: settings.seed)
        var probabilities = [Float](repeating: 0, count: classCount)
        for epoch in 0..<settings.epochs {
            for index in stride(from: order.count - 1, to: 0, by: -1) {
                let other = Int(random.next() % UInt64(index + 1))
                order.swapAt(index, other)
            }
            let rate = settings.learningRate / (1 + Float(epoch) * 0.5)
            for exampleIndex in order {
                let example = examples[exampleIndex]
                model.probabilities(example.features, temperature: 1, into: &probabilities)
                probabilities[example.label] -= 1
                let features = example.features
                model.weights.withUnsafeMutableBufferPointer { weights in
                    for position in features.indices.indices {
                        let base = Int(features.indices[position]) * classCount
                        let step = rate * features.values[position]
                        for label in 0..<classCount {
                            weights[base + label] -= step * probabilities[label]
                        }
                    }
                }
                for label in 0..<classCount { model.bias[label] -= rate * 0.1 * probabilities[label] }
            }
        }
        return model
    }

    /// Softmax of the scores divided by `temperature` (the calibration chosen on held-out data).
    func probabilities(_ features: FeatureVector, temperature: Float, into output: inout [Float]) {
        let classCount = self.classCount
        for label in 0..<classCount { output[label] = bias[label] }
        weights.withUnsafeBufferPointer { weights in
            output.withUnsafeMutableBufferPointer { output in
                for position in features.indices.indices {
                    let base = Int(features.indices[position]) * classCount
                    let value = features.values[position]
                    for label in 0..<classCount {
                        output[label] += weights[base + label] * value
                    }
                }
            }
        }
        var largest = -Float.infinity
        for label in 0..<classCount {
            output[label] /= temperature
            largest = max(largest, output[label])
        }
        var sum: Float = 0
        for label in 0..<classCount {
            output[label] = (output[label] - largest).exponentiated
            sum += output[label]
        }
        for label in 0..<classCount { output[label] /= sum }
    }

    func probabilities(_ features: FeatureVector, temperature: Float = 1) -> [Float] {
        var output = [Float](repeating: 0, count: classCount)
        probabilities(features, temperature: temperature, into: &output)
        return output
    }

    /// Bytes held by the weights.
    var memoryBytes: Int { (weights.count + bias.count) * MemoryLayout<Float>.size }
}

/// A tiny, fixed pseudo-random generator (Steele et al.'s SplitMix64) so
/// training order does not depend on the platform's random source.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Float {
    var exponentiated: Float { exp(self) }
}
