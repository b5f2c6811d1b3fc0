import Foundation

/// Multinomial logistic regression over hashed sparse features, trained by
/// stochastic gradient descent in a fixed order (a seeded shuffle), so the
/// same examples always give the same weights.
struct LinearModel: Sendable {
    typealias Lanes = SIMD8<Float>

    let classCount: Int
    let bits: Int
    /// Weights per bucket, padded to whole groups of eight classes so that
    /// scoring and updates run eight classes per instruction.
    let chunks: Int
    /// Bucket-major: bucket b's weights are lanes b * chunks ..< (b + 1) * chunks.
    /// Used while training; emptied by `frozen()`.
    private(set) var weights: [Lanes]
    private(set) var bias: [Lanes]
    /// The trained weights as 16-bit integers times `scale`, same layout.
    /// Scoring reads a few hundred random buckets per message, so it is
    /// bound by memory: half the bytes keeps the model in the
    /// core's cache (measured: 2^13 float buckets ran 31 % faster than 2^16).
    private(set) var packed: [PackedLanes] = []
    private(set) var scale: Float = 1
    typealias PackedLanes = SIMD8<Int16>

    struct TrainingSettings: Sendable, Equatable {
        /// Passes over the data; small training sets get more, up to `updates`
        /// steps in all (at most `maximumEpochs` passes).
        var epochs: Int
        var updates = 0
        var maximumEpochs = 60
        var learningRate: Float
        var seed: UInt64
    }

    init(classCount: Int, bits: Int) {
        self.classCount = classCount
        self.bits = bits
        chunks = (classCount + 7) / 8
        weights = [Lanes](repeating: .zero, count: (1 << bits) * chunks)
        bias = [Lanes](repeating: .zero, count: chunks)
    }

    /// Trains and packs the weights for scoring.
    static func train(_ examples: [(features: FeatureVector, label: Int)], classCount: Int, bits: Int,
                      settings: TrainingSettings) -> LinearModel {
        trainUnpacked(examples, classCount: classCount, bits: bits, settings: settings).frozen()
    }

    /// Trains, keeping the float weights (scoring then reads them).
    static func trainUnpacked(_ examples: [(features: FeatureVector, label: Int)], classCount: Int, bits: Int,
                              settings: TrainingSettings) -> LinearModel {
        var model = LinearModel(classCount: classCount, bits: bits)
        let chunks = model.chunks
        var order = Array(examples.indices)
        var random = SplitMix64(seed: settings.seed)
        var gradient = [Lanes](repeating: .zero, count: chunks)
        let epochs = min(settings.maximumEpochs, max(settings.epochs, settings.updates / max(1, examples.count)))
        for epoch in 0..<epochs {
            for index in stride(from: order.count - 1, to: 0, by: -1) {
                let other = Int(random.next() % UInt64(index + 1))
                order.swapAt(index, other)
            }
            let rate = settings.learningRate / (1 + Float(epoch) * 0.5)
            for exampleIndex in order {
                let example = examples[exampleIndex]
                model.scores(example.features, temperature: 1, into: &gradient)
                softmax(&gradient, classCount: classCount)
                gradient[example.label / 8][example.label % 8] -= 1
                let features = example.features
                gradient.withUnsafeBufferPointer { gradient in
                    model.weights.withUnsafeMutableBufferPointer { weights in
                        for position in features.indices.indices {
                            let base = Int(features.indices[position]) * chunks
                            let step = Lanes(repeating: rate * features.values[position])
                            for chunk in 0..<chunks { weights[base + chunk] -= step * gradient[chunk] }
                        }
                    }
                }
                let biasStep = Lanes(repeating: rate * 0.1)
                for chunk in 0..<chunks { model.bias[chunk] -= biasStep * gradient[chunk] }
            }
        }
        return model
    }

    /// The model with its weights packed for scoring and the float weights
    /// released. The largest weight maps to the largest integer, so the
    /// rounding error is at most 1/65,534 of the largest weight.
    func frozen() -> LinearModel {
        var model = self
        var largest: Float = 0
        for lanes in weights { largest = max(largest, lanes.max(), -lanes.min()) }
        model.scale = largest > 0 ? largest / Float(Int16.max) : 1
        let inverse = Lanes(repeating: 1 / model.scale)
        model.packed = weights.map { PackedLanes(truncatingIfNeeded: SIMD8<Int32>(($0 * inverse).rounded(.toNearestOrEven))) }
        model.weights = []
        return model
    }

    /// Raw scores (divided by `temperature`) in `output`; padding lanes are
    /// -infinity. Reads the packed weights once the model is frozen.
    func scores(_ features: FeatureVector, temperature: Float, into output: inout [Lanes]) {
        let chunks = self.chunks
        output.withUnsafeMutableBufferPointer { output in
            if packed.isEmpty {
                for chunk in 0..<chunks { output[chunk] = bias[chunk] }
                weights.withUnsafeBufferPointer { weights in
                    for position in features.indices.indices {
                        let base = Int(features.indices[position]) * chunks
                        let value = Lanes(repeating: features.values[position])
                        for chunk in 0..<chunks { output[chunk] += weights[base + chunk] * value }
                    }
                }
                let inverse = Lanes(repeating: 1 / temperature)
                for chunk in 0..<chunks { output[chunk] *= inverse }
            } else {
                for chunk in 0..<chunks { output[chunk] = .zero }
                packed.withUnsafeBufferPointer { packed in
                    for position in features.indices.indices {
                        let base = Int(features.indices[position]) * chunks
                        let value = Lanes(repeating: features.values[position])
                        for chunk in 0..<chunks {
                            output[chunk] += Lanes(SIMD8<Int32>(truncatingIfNeeded: packed[base + chunk])) * value
                        }
                    }
                }
                let weightScale = Lanes(repeating: scale), inverse = Lanes(repeating: 1 / temperature)
                for chunk in 0..<chunks { output[chunk] = (output[chunk] * weightScale + bias[chunk]) * inverse }
            }
            for label in classCount..<(chunks * 8) { output[label / 8][label % 8] = -.infinity }
        }
    }

    /// Turns scores into probabilities in place (padding lanes become 0).
    static func softmax(_ values: inout [Lanes], classCount: Int) {
        var largest = -Float.infinity
        for label in 0..<classCount { largest = max(largest, values[label / 8][label % 8]) }
        var sum: Float = 0
        for label in 0..<(values.count * 8) {
            let value = label < classCount ? (values[label / 8][label % 8] - largest).exponentiated : 0
            values[label / 8][label % 8] = value
            sum += value
        }
        let scale = Lanes(repeating: 1 / sum)
        for chunk in values.indices { values[chunk] *= scale }
    }

    /// Softmax of the scores divided by `temperature` (the calibration chosen on held-out data).
    func probabilities(_ features: FeatureVector, temperature: Float = 1) -> [Float] {
        var lanes = [Lanes](repeating: .zero, count: chunks)
        scores(features, temperature: temperature, into: &lanes)
        LinearModel.softmax(&lanes, classCount: classCount)
        var output = [Float](repeating: 0, count: classCount)
        for label in 0..<classCount { output[label] = lanes[label / 8][label % 8] }
        return output
    }

    /// Bytes held by the weights.
    var memoryBytes: Int {
        (weights.count + bias.count) * MemoryLayout<Lanes>.size + packed.count * MemoryLayout<PackedLanes>.size
    }
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
