"""Likely gender of common first names, for resolving ``he said`` / ``she said``.

Only a hint: titles (``Mr.``/``Mrs.``) and pronouns already used for a person come first, and
a name missing from these lists (or used by both genders) leaves the gender unknown, which
is compatible with either pronoun.
"""

from __future__ import annotations

FEMALE = frozenset(
    """mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty
    sandra margaret ashley kimberly emily donna michelle carol amanda melissa deborah stephanie
    rebecca sharon laura cynthia kathleen amy angela shirley anna brenda pamela emma nicole helen
    samantha katherine christine debra rachel carolyn janet catherine maria heather diane ruth
    julie olivia joyce virginia victoria kelly lauren christina joan evelyn judith megan andrea
    cheryl hannah jacqueline martha gloria teresa ann sara madison frances kathryn janice jean
    abigail alice judy sophia grace denise amber doris marilyn danielle beverly isabella theresa
    diana natalie brittany charlotte marie kayla alexis lori hillary nancy kamala ursula angela
    giorgia marine ana ines sofia lucia elena olena oksana natalia tatiana svetlana irina olga
    yulia maja ingrid sigrid astrid karin birgit greta anja priya aisha fatima leyla ayse zeynep
    funmilayo ngozi chiamaka amara yuki mei li na jacinda theresa liz kemi marta miriam femke
    mette sanna kaja nikki michele huma nadia camila valentina gabriela mariana""".split()
)
MALE = frozenset(
    """james robert john michael david william richard joseph thomas charles christopher daniel
    matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy
    ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott
    brandon benjamin samuel gregory alexander frank patrick raymond jack dennis jerry tyler aaron
    jose adam nathan henry douglas zachary peter kyle noah ethan jeremy walter christian keith
    roger terry austin sean gerald carl harold dylan arthur lawrence jordan jesse bryan billy
    bruce gabriel joe logan albert willie alan eugene russell vincent philip bobby johnny bradley
    pete mike bob bill tom jim dick ted barack vladimir volodymyr dmitry dmitri sergei sergey
    oleh oleg andriy yuri igor boris emmanuel olaf friedrich karl hans jurgen tomasz piotr pawel
    rafael pedro paolo giuseppe luca marco antonio francesco carlos luis miguel jorge xi jinping
    narendra recep tayyip kofi emeka chidi kwame henrik erik lars arvid anders magnus keir rishi
    boris nigel joe lloyd jens mark-paul benjamin benny yair moshe ahmed mohammed mohamed ali
    omar hassan hussein ibrahim mustafa erdogan viktor andrzej""".split()
)


def gender_of_first_name(name: str) -> str | None:
    """'m', 'f' or None for a first name (case-insensitive)."""
    key = name.lower().strip(".")
    if key in FEMALE and key not in MALE:
        return "f"
    if key in MALE and key not in FEMALE:
        return "m"
    return None
