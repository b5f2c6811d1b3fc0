import Foundation

/// Chooses the temperature, the abstention threshold and the urgent
/// threshold on held-out data: every fifth training example is set aside,
/// a model is trained on the rest, and the settings that do best on the
/// held-out fifth are kept for the model trained on everything.
enum CalibrationSearch {
    static let heldOutStride = 5
    static let heldOutOffset = 2

    /// Beta of the F-score that picks the urgent threshold: recall counts
    /// nine times as much as precision, because a missed urgent message can
    /// cost a life and a false alarm costs a caseworker a minute. (On the
    /// held-out fifth, F2 would trade recall 0.988 for 0.977 and precision
    /// 0.786 for 0.827.)
    static let urgentRecallWeight = 3.0

    static func isHeldOut(_ index: Int) -> Bool { index % heldOutStride == heldOutOffset }

    /// `signals[i]`: the safety net's findings for `examples[i]`.
    static func choose(examples: [IntentClassifier.Example], signals: [[String]], labels: [String]) -> IntentClassifier.Calibration {
        let trainIndices = examples.indices.filter { !isHeldOut(examples[$0].source) }
        // Only original lines are scored, not their folded copies.
        var seen: Set<Int> = []
        let heldOut = examples.indices.filter { isHeldOut(examples[$0].source) && seen.insert(examples[$0].source).inserted }
        var classifier = IntentClassifier(examples: trainIndices.map { examples[$0] }, labels: labels)
        let labelIndex = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        let heldOutFeatures = heldOut.map { classifier.weighting.vector(examples[$0].buckets) }

        // Temperature: lowest negative log-likelihood on the held-out part.
        // The raw scores are computed once; each temperature only rescales them.
        let classCount = classifier.model.classCount
        let rawScores: [[Double]] = heldOutFeatures.map { features in
            var lanes = [LinearModel.Lanes](repeating: .zero, count: classifier.model.chunks)
            classifier.model.scores(features, temperature: 1, into: &lanes)
            return (0..<classCount).map { Double(lanes[$0 / 8][$0 % 8]) }
        }
        var best = (temperature: Float(1), loss: Double.infinity)
        for step in 1...24 {
            let temperature = Float(step) * 0.125
            let inverse = 1 / Double(temperature)
            var loss = 0.0
            for (position, index) in heldOut.enumerated() {
                let scores = rawScores[position]
                let largest = scores.max()! * inverse
                var sum = 0.0
                for score in scores { sum += exp(score * inverse - largest) }
                // -log softmax(label) = log(sum of exp) - score(label), both shifted by the largest score.
                let labelScore = scores[labelIndex[examples[index].label]!] * inverse - largest
                loss += min(log(sum) - labelScore, -log(1e-9))
            }
            if loss < best.loss { best = (temperature, loss) }
        }
        classifier.calibration.temperature = best.temperature

        let decisions = heldOutFeatures.map { classifier.decide($0) }

        // Abstention: the threshold with the best held-out accuracy (the lowest on ties).
        var bestThreshold = (threshold: 0.0, correct: -1)
        for step in 0...18 {
            let threshold = Double(step) * 0.05
            var correct = 0
            for (position, index) in heldOut.enumerated() {
                var decision = decisions[position]
                if decision.intent != nil && decision.confidence < threshold { decision.intent = nil }
                let predicted = UrgentOverride.intent(decision, signals: signals[index], labels: labels) ?? HotlineIntent.other
                if predicted == examples[index].label { correct += 1 }
            }
            if correct > bestThreshold.correct { bestThreshold = (threshold, correct) }
        }
        classifier.calibration.abstentionThreshold = bestThreshold.threshold

        // Urgent: the threshold with the best held-out F-beta score, the safety
        // net's lexicons included.
        var urgentThreshold = 1.01
        var bestScore = -1.0
        var urgentFigures = (recall: 0.0, precision: 0.0)
        for step in 1...19 {
            let threshold = Double(step) * 0.05
            var truePositives = 0, flagged = 0, actual = 0
            for (position, index) in heldOut.enumerated() {
                let isUrgent = HotlineIntent.isUrgent(examples[index].label)
                let isFlagged = !signals[index].isEmpty || decisions[position].urgentProbability >= threshold
                if isUrgent { actual += 1 }
                if isFlagged { flagged += 1 }
                if isUrgent && isFlagged { truePositives += 1 }
            }
            guard actual > 0, flagged > 0 else { continue }
            let precision = Double(truePositives) / Double(flagged)
            let recall = Double(truePositives) / Double(actual)
            let betaSquared = urgentRecallWeight * urgentRecallWeight
            let score = precision + recall == 0 ? 0
                : (1 + betaSquared) * precision * recall / (betaSquared * precision + recall)
            if score > bestScore {
                bestScore = score
                urgentThreshold = threshold
                urgentFigures = (recall, precision)
            }
        }
        return IntentClassifier.Calibration(temperature: best.temperature, abstentionThreshold: bestThreshold.threshold,
                                            urgentThreshold: urgentThreshold,
                                            heldOut: HeldOutFigures(accuracy: Double(bestThreshold.correct) / Double(heldOut.count),
                                                                    urgentRecall: urgentFigures.recall,
                                                                    urgentPrecision: urgentFigures.precision))
    }
}

/// When the safety net finds a danger signal but the classifier chose a
/// non-urgent intent (or abstained), the message is labelled by its most
/// important need, so the answer is the most probable urgent intent that a
/// signal points to.
enum UrgentOverride {
    static func intent(_ decision: IntentClassifier.Decision, signals: [String], labels: [String]) -> String? {
        if let intent = decision.intent, HotlineIntent.isUrgent(intent) { return intent }
        guard !signals.isEmpty else { return decision.intent }
        var best: (label: String, probability: Float)?
        for signal in signals {
            let intent = String(signal.prefix { $0 != "." })
            guard let index = labels.firstIndex(of: intent) else { continue }
            let probability = decision.probabilities[index]
            if best == nil || probability > best!.probability { best = (intent, probability) }
        }
        return best?.label ?? decision.intent
    }
}
