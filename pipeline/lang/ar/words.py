"""Arabic function words: prepositions, conjunctions, pronouns, demonstratives and relatives."""

FUNCTION_WORDS = frozenset(
    """في من إلى الى على عن مع و ف ب ل ك ال أو او ثم لا لم لن ما إن ان أن قد هو هي هم هن أنا نحن أنت
    هذا هذه ذلك تلك هؤلاء الذي التي الذين اللذين اللتين كان كانت يكون بين عند حتى منذ بعد قبل خلال
    كل بعض غير أي كما لكن بل إذا اذا لدى""".split()
)
