"""Peers for Kawan's language understanding, scored exactly as `kawan eval` scores.

Intents: scikit-learn TfidfVectorizer (character 1-5-grams within word
boundaries, sublinear tf) + LogisticRegression, trained on the same file
Kawan trains on. Like Kawan it abstains (predicts `other`) when its top label
is `other` or its top probability is below a threshold chosen on a held-out
fifth of the training file (every fifth line from the third); it flags
`urgent` when its prediction is an urgent intent.

Language identification: lingua, pycld2 and langid, each restricted where
the library allows it to id/ms/tl/vi/ja/en; Malay answers count as Indonesian.

  python peers.py intents --train TRAIN.jsonl [TRAIN2.jsonl ...] --test TEST.jsonl
  python peers.py languages --test TEST.jsonl

Prints one JSON object per run.
"""
import argparse
import json
import sys

URGENT = {"abuse_violence", "trafficking_forced_labour", "emergency"}
LANGUAGES = ["id", "tl", "vi", "ja", "en"]


def load(paths):
    rows = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            rows += [json.loads(line) for line in handle if line.strip()]
    return rows


def answer_language(code):
    return "id" if code == "ms" else code


def score(rows, predictions, flagged, languages=None):
    """The definitions of issue 5, as in EvaluationReport.swift."""
    n = len(rows)
    labelled = [(row, p, f) for row, p, f in zip(rows, predictions, flagged) if row.get("intent")]
    result = {"n": n}
    if labelled:
        result["intent_accuracy"] = sum(p == r["intent"] for r, p, _ in labelled) / len(labelled)
        result["abstain_rate"] = sum(p == "other" for _, p, _ in labelled) / len(labelled)
        labels = {r["intent"] for r, _, _ in labelled} | {p for _, p, _ in labelled}
        total = 0.0
        for label in labels:
            tp = sum(1 for r, p, _ in labelled if r["intent"] == label and p == label)
            actual = sum(1 for r, _, _ in labelled if r["intent"] == label)
            predicted = sum(1 for _, p, _ in labelled if p == label)
            total += 0 if actual + predicted == 0 else 2 * tp / (actual + predicted)
        result["macro_f1"] = total / len(labels)
        others = [p for r, p, _ in labelled if r["intent"] == "other"]
        result["other_recall"] = sum(p == "other" for p in others) / len(others) if others else None
        urgent = [f for r, _, f in labelled if r["intent"] in URGENT]
        result["urgent_recall"] = sum(urgent) / len(urgent) if urgent else None
        flagged_rows = [r for r, _, f in labelled if f]
        result["urgent_precision"] = (sum(r["intent"] in URGENT for r in flagged_rows) / len(flagged_rows)
                                      if flagged_rows else None)
    if languages is not None:
        known = [(row, lang) for row, lang in zip(rows, languages) if answer_language(row["lang"]) in LANGUAGES]
        result["language_accuracy"] = sum(answer_language(r["lang"]) == l for r, l in known) / len(known)
        per = {}
        for code in sorted({r["lang"] for r in rows}):
            subset = [(r, l) for r, l in known if r["lang"] == code]
            if subset:
                per[code] = sum(answer_language(r["lang"]) == l for r, l in subset) / len(subset)
        result["language_accuracy_per_lang"] = per
    return result


def intents(arguments):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    train = [row for row in load(arguments.train) if row.get("intent")]
    test = load(arguments.test)

    def model():
        return make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 5), sublinear_tf=True, lowercase=True),
                             LogisticRegression(C=10, max_iter=3000))

    fit_rows = [row for index, row in enumerate(train) if index % 5 != 2]
    held_out = [row for index, row in enumerate(train) if index % 5 == 2]
    threshold = 0.0
    if held_out and "other" in {row["intent"] for row in train}:
        held_model = model().fit([r["text"] for r in fit_rows], [r["intent"] for r in fit_rows])
        probabilities = held_model.predict_proba([r["text"] for r in held_out])
        classes = list(held_model.classes_)
        best = -1
        for step in range(19):
            candidate = step * 0.05
            correct = 0
            for row, p in zip(held_out, probabilities):
                top = max(range(len(classes)), key=lambda i: p[i])
                predicted = classes[top] if p[top] >= candidate else "other"
                correct += predicted == row["intent"]
            if correct > best:
                best, threshold = correct, candidate
    final = model().fit([r["text"] for r in train], [r["intent"] for r in train])
    classes = list(final.classes_)
    predictions = []
    for p in final.predict_proba([r["text"] for r in test]):
        top = max(range(len(classes)), key=lambda i: p[i])
        predictions.append(classes[top] if p[top] >= threshold else "other")
    flagged = [p in URGENT for p in predictions]
    result = score(test, predictions, flagged)
    result["peer"] = "scikit-learn TfidfVectorizer(char_wb 1-5) + LogisticRegression(C=10)"
    result["abstention_threshold"] = threshold
    print(json.dumps(result, sort_keys=True))


def languages(arguments):
    test = load(arguments.test)
    texts = [row["text"] for row in test]
    results = {}

    from lingua import Language, LanguageDetectorBuilder
    lingua_codes = {Language.INDONESIAN: "id", Language.MALAY: "id", Language.TAGALOG: "tl",
                    Language.VIETNAMESE: "vi", Language.JAPANESE: "ja", Language.ENGLISH: "en"}
    detector = LanguageDetectorBuilder.from_languages(*lingua_codes).build()
    detected = [detector.detect_language_of(text) for text in texts]
    results["lingua"] = score(test, [None] * len(test), [False] * len(test),
                              [lingua_codes.get(d, "?") for d in detected])

    import pycld2
    cld = []
    for text in texts:
        try:
            _, _, details = pycld2.detect(text)
            code = details[0][1]
        except pycld2.error:
            code = "?"
        code = {"ms": "id", "fil": "tl", "tl": "tl"}.get(code, code)
        cld.append(code)
    results["pycld2"] = score(test, [None] * len(test), [False] * len(test), cld)

    import langid
    langid.set_languages(["id", "ms", "tl", "vi", "ja", "en"])
    results["langid"] = score(test, [None] * len(test), [False] * len(test),
                              [answer_language(langid.classify(text)[0]) for text in texts])
    for name, result in results.items():
        for key in ("intent_accuracy", "abstain_rate", "macro_f1", "urgent_recall", "urgent_precision"):
            result.pop(key, None)
        result["peer"] = name
        print(json.dumps(result, sort_keys=True))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    intent_parser = commands.add_parser("intents")
    intent_parser.add_argument("--train", nargs="+", required=True)
    intent_parser.add_argument("--test", nargs="+", required=True)
    language_parser = commands.add_parser("languages")
    language_parser.add_argument("--test", nargs="+", required=True)
    arguments = parser.parse_args()
    if arguments.command == "intents":
        intents(arguments)
    else:
        languages(arguments)


if __name__ == "__main__":
    sys.exit(main())
