from hotline_nlu.textnorm import fold, split_words, thai_share


def test_danish_letters_and_their_spellings_fold_together():
    assert fold("Hjælp") == fold("hjaelp") == fold("HJALP")
    assert fold("døren") == fold("doeren") == fold("doren")
    assert fold("på") == fold("paa") == fold("pa")


def test_latin_accents_go_but_thai_marks_stay():
    assert fold("Café") == "cafe"
    thai = "ช่วยด้วย"
    assert fold(thai) == thai


def test_thai_share_counts_thai_script_only():
    assert thai_share("ช่วยด้วย") == 1.0
    assert thai_share("help me") == 0.0
    assert 0.3 < thai_share("boss ยึด passport ฉัน") < 0.7
    assert thai_share("   ") == 0.0


def test_split_words_segments_thai_and_splits_the_rest_on_spaces():
    assert split_words("boss ยึดพาสปอร์ตฉัน now") == ["boss", "ยึด", "พาสปอร์ต", "ฉัน", "now"]
    assert split_words("help me  please") == ["help", "me", "please"]
    assert split_words("ไปตลาด!?", split_other=lambda part: list(part)) == ["ไป", "ตลาด", "!", "?"]
    assert split_words("") == []
