"""The Assange action's copy, word for word as the campaign gave it.

Migration 0002 seeds it; tests put it back after emptying the tables.
"""

from django.apps.registry import Apps

TITLE = "USA must drop charges against Julian Assange"

LEAD = (
    "Authorities in the USA must drop the espionage and all other charges against Julian "
    "Assange that relate to his publishing activities as part of his work with Wikileaks. "
    "The US government's unrelenting pursuit of Julian Assange for having published disclosed "
    "documents that included possible war crimes committed by the US military is nothing short "
    "of a full-scale assault on the right to freedom of expression."
)

BODY = "\n\n".join(
    [
        "Julian Assange is currently being held at Belmarsh, a high security prison in the UK, on "
        "the basis of a US extradition request on charges that stem directly from the publication "
        "of disclosed documents as part of his work with Wikileaks. Amnesty International strongly "
        "opposes any possibility of Julian Assange being extradited or sent in any other manner to "
        "the USA. There, he faces a real risk of serious human rights violations including "
        "possible detention conditions that would amount to torture and other ill-treatment (such "
        "as prolonged solitary confinement). The fact that he was the target of a negative public "
        "campaign by US officials at the highest levels undermines his right to be presumed "
        "innocent and puts him at risk of an unfair trial.",
        "Julian Assange's publication of disclosed documents as part of his work with Wikileaks "
        "should not be punishable as this activity mirrors conduct that investigative journalists "
        "undertake regularly in their professional capacity. Prosecuting Julian Assange on these "
        "charges could have a chilling effect on the right to freedom of expression, leading "
        "journalists to self-censor from fear of prosecution.",
    ]
)

CALL_TO_ACTION = (
    "Protect the right to freedom of expression. Urge the US authorities to drop the charges "
    "against Julian Assange that stem solely from his publishing activities with Wikileaks."
)

# "Sign the petition here: (petition text as in bold above)": the bold demand.
PETITION_TEXT = LEAD

TARGET = "United States Attorney General William P. Barr"
SALUTATION = "Mr. Attorney General"

HAND_IN_NOTE = (
    "Please note: While this petition is addressed to the US Attorney General petitions are to "
    "be handed in at US embassies in the respective countries at a later stage. Please DO NOT "
    "send petitions directly to the Office of the Attorney General."
)


def seed(apps: Apps) -> None:
    """Create or update the Assange campaign (with the fields of migration 0002)."""
    Campaign = apps.get_model("signatures", "Campaign")
    Campaign.objects.update_or_create(
        slug="assange",
        defaults={
            "title": TITLE,
            "lead": LEAD,
            "body": BODY,
            "call_to_action": CALL_TO_ACTION,
            "petition_text": PETITION_TEXT,
            "target": TARGET,
            "salutation": SALUTATION,
            "hand_in_note": HAND_IN_NOTE,
            "goal": 100000,
            "language": "en",
            "requires_confirmation": True,
        },
    )


# The copy in the other languages of the site, as the sections would publish
# it. The English above stays the legal source; staff edit these in the admin.
# The addressee and salutation are as an embassy reads them in that language.
TRANSLATIONS: dict[str, dict[str, str]] = {
    "de": {
        "title": "Die USA müssen die Anklage gegen Julian Assange fallen lassen",
        "lead": (
            "Die US-Behörden müssen die Anklage wegen Spionage und alle weiteren Anklagepunkte "
            "gegen Julian Assange fallen lassen, die sich auf seine Veröffentlichungen im Rahmen "
            "seiner Arbeit für Wikileaks beziehen. Die unerbittliche Verfolgung von Julian Assange "
            "durch die US-Regierung, weil er zugespielte Dokumente veröffentlicht hat, die "
            "mögliche Kriegsverbrechen des US-Militärs belegen, ist nichts weniger als ein "
            "umfassender Angriff auf das Recht auf freie Meinungsäußerung."
        ),
        "body": "\n\n".join(
            [
                "Julian Assange ist derzeit im Hochsicherheitsgefängnis Belmarsh im Vereinigten "
                "Königreich inhaftiert. Grundlage ist ein Auslieferungsersuchen der USA wegen "
                "Anklagepunkten, die unmittelbar auf die Veröffentlichung zugespielter Dokumente "
                "im Rahmen seiner Arbeit für Wikileaks zurückgehen. Amnesty International lehnt "
                "jede Auslieferung oder sonstige Überstellung von Julian Assange an die USA "
                "entschieden ab. Dort drohen ihm schwere Menschenrechtsverletzungen, darunter "
                "Haftbedingungen, die Folter und anderen Misshandlungen gleichkommen könnten (etwa "
                "lang andauernde Einzelhaft). Weil er Ziel einer negativen öffentlichen Kampagne "
                "hochrangiger US-Regierungsvertreter war, ist sein Recht auf die "
                "Unschuldsvermutung untergraben, und ihm droht ein unfaires Verfahren.",
                "Dass Julian Assange im Rahmen seiner Arbeit für Wikileaks zugespielte Dokumente "
                "veröffentlicht hat, darf nicht strafbar sein: Investigative Journalistinnen und "
                "Journalisten tun in ihrem Beruf regelmäßig dasselbe. Eine Strafverfolgung von "
                "Julian Assange wegen dieser Anklagepunkte könnte die Meinungsfreiheit "
                "einschüchtern und Medienschaffende aus Angst vor Strafverfolgung zur "
                "Selbstzensur bringen.",
            ]
        ),
        "call_to_action": (
            "Schütze das Recht auf freie Meinungsäußerung. Fordere die US-Behörden auf, alle "
            "Anklagepunkte gegen Julian Assange fallen zu lassen, die allein auf seine "
            "Veröffentlichungen mit Wikileaks zurückgehen."
        ),
        "target": "Herrn William P. Barr, Justizminister der Vereinigten Staaten von Amerika",
        "salutation": "Sehr geehrter Herr Justizminister",
        "hand_in_note": (
            "Bitte beachte: Diese Petition ist an den US-Justizminister gerichtet, wird aber zu "
            "einem späteren Zeitpunkt in den US-Botschaften der einzelnen Länder übergeben. Bitte "
            "schicke Petitionen NICHT direkt an das Büro des Justizministers."
        ),
    },
    "fr": {
        "title": "Les États-Unis doivent abandonner les poursuites contre Julian Assange",
        "lead": (
            "Les autorités des États-Unis doivent abandonner l’accusation d’espionnage et toutes "
            "les autres charges retenues contre Julian Assange en lien avec ses activités de "
            "publication dans le cadre de son travail avec Wikileaks. L’acharnement du "
            "gouvernement des États-Unis contre Julian Assange, pour avoir publié des documents "
            "divulgués faisant état de possibles crimes de guerre commis par l’armée américaine, "
            "n’est rien de moins qu’une attaque en règle contre le droit à la liberté "
            "d’expression."
        ),
        "body": "\n\n".join(
            [
                "Julian Assange est actuellement détenu à Belmarsh, une prison de haute sécurité "
                "au Royaume-Uni, en vertu d’une demande d’extradition des États-Unis fondée sur "
                "des charges qui découlent directement de la publication de documents divulgués "
                "dans le cadre de son travail avec Wikileaks. Amnesty International s’oppose "
                "fermement à toute extradition ou à tout transfert de Julian Assange vers les "
                "États-Unis, sous quelque forme que ce soit. Il y courrait un risque réel de "
                "graves violations des droits humains, notamment de conditions de détention "
                "pouvant s’apparenter à de la torture et à d’autres mauvais traitements (comme un "
                "isolement cellulaire prolongé). Le fait qu’il ait été la cible d’une campagne "
                "publique de dénigrement menée par des représentants des États-Unis au plus haut "
                "niveau porte atteinte à son droit à la présomption d’innocence et l’expose au "
                "risque d’un procès inéquitable.",
                "La publication par Julian Assange de documents divulgués, dans le cadre de son "
                "travail avec Wikileaks, ne devrait pas être punissable, car cette activité "
                "correspond à ce que font régulièrement les journalistes d’investigation dans "
                "l’exercice de leur profession. Poursuivre Julian Assange pour ces chefs "
                "d’accusation pourrait avoir un effet dissuasif sur le droit à la liberté "
                "d’expression et pousser les journalistes à s’autocensurer par crainte de "
                "poursuites.",
            ]
        ),
        "call_to_action": (
            "Protégez le droit à la liberté d’expression. Exhortez les autorités des États-Unis "
            "à abandonner les charges retenues contre Julian Assange qui découlent uniquement de "
            "ses activités de publication avec Wikileaks."
        ),
        "target": "Monsieur William P. Barr, procureur général des États-Unis",
        "salutation": "Monsieur le Procureur général",
        "hand_in_note": (
            "Remarque\u00a0: bien que cette pétition soit adressée au procureur général des "
            "États-Unis, les pétitions seront remises ultérieurement aux ambassades des "
            "États-Unis dans les différents pays. Veuillez NE PAS envoyer de pétitions "
            "directement au bureau du procureur général."
        ),
    },
    "es": {
        "title": "EE. UU. debe retirar los cargos contra Julian Assange",
        "lead": (
            "Las autoridades de Estados Unidos deben retirar el cargo de espionaje y todos los "
            "demás cargos contra Julian Assange relacionados con sus actividades de publicación "
            "como parte de su trabajo con Wikileaks. La implacable persecución de Julian Assange "
            "por parte del gobierno estadounidense por haber publicado documentos filtrados que "
            "revelaban posibles crímenes de guerra cometidos por el ejército de Estados Unidos no "
            "es sino un ataque frontal contra el derecho a la libertad de expresión."
        ),
        "body": "\n\n".join(
            [
                "Julian Assange se encuentra recluido en Belmarsh, una prisión de alta seguridad "
                "del Reino Unido, en virtud de una solicitud de extradición de Estados Unidos "
                "basada en cargos que se derivan directamente de la publicación de documentos "
                "filtrados como parte de su trabajo con Wikileaks. Amnistía Internacional se "
                "opone firmemente a que Julian Assange sea extraditado o enviado de cualquier "
                "otra forma a Estados Unidos. Allí correría un riesgo real de sufrir graves "
                "violaciones de derechos humanos, como condiciones de reclusión que podrían "
                "constituir tortura y otros malos tratos (por ejemplo, un aislamiento "
                "prolongado). El hecho de que haya sido objeto de una campaña pública negativa "
                "por parte de altos cargos estadounidenses socava su derecho a la presunción de "
                "inocencia y lo expone al riesgo de un juicio injusto.",
                "La publicación por parte de Julian Assange de documentos filtrados como parte de "
                "su trabajo con Wikileaks no debería ser punible, ya que esta actividad equivale "
                "a la labor que los periodistas de investigación realizan habitualmente en el "
                "ejercicio de su profesión. Procesar a Julian Assange por estos cargos podría "
                "tener un efecto disuasorio sobre el derecho a la libertad de expresión y llevar "
                "a periodistas a autocensurarse por miedo a ser procesados.",
            ]
        ),
        "call_to_action": (
            "Proteja el derecho a la libertad de expresión. Pida a las autoridades de Estados "
            "Unidos que retiren los cargos contra Julian Assange que se derivan únicamente de sus "
            "actividades de publicación con Wikileaks."
        ),
        "target": "Sr. William P. Barr, fiscal general de los Estados Unidos de América",
        "salutation": "Señor fiscal general",
        "hand_in_note": (
            "Tenga en cuenta que, aunque esta petición va dirigida al fiscal general de Estados "
            "Unidos, las peticiones se entregarán más adelante en las embajadas de Estados Unidos "
            "en cada país. Por favor, NO envíe las peticiones directamente a la Oficina del "
            "Fiscal General."
        ),
    },
    "ar": {
        "title": "على الولايات المتحدة إسقاط التهم الموجهة إلى جوليان أسانج",
        "lead": (
            "يجب على السلطات في الولايات المتحدة الأمريكية إسقاط تهمة التجسس وجميع التهم الأخرى "
            "الموجهة إلى جوليان أسانج المتعلقة بأنشطته في النشر في إطار عمله مع ويكيليكس. إن "
            "ملاحقة الحكومة الأمريكية الحثيثة لجوليان أسانج بسبب نشره وثائق مسربة تضمنت جرائم حرب "
            "محتملة ارتكبها الجيش الأمريكي ليست سوى اعتداء شامل على الحق في حرية التعبير."
        ),
        "body": "\n\n".join(
            [
                "يُحتجز جوليان أسانج حاليًا في سجن بيلمارش، وهو سجن شديد الحراسة في المملكة "
                "المتحدة، بناءً على طلب تسليم أمريكي بتهم نابعة مباشرة من نشر وثائق مسربة في إطار "
                "عمله مع ويكيليكس. وتعارض منظمة العفو الدولية بشدة أي احتمال لتسليم جوليان أسانج "
                "أو إرساله بأي طريقة أخرى إلى الولايات المتحدة، حيث يواجه خطرًا حقيقيًا بالتعرض "
                "لانتهاكات جسيمة لحقوق الإنسان، بما في ذلك ظروف احتجاز قد ترقى إلى مستوى التعذيب "
                "وغيره من ضروب المعاملة السيئة (مثل الحبس الانفرادي المطول). كما أن استهدافه "
                "بحملة عامة سلبية شنها مسؤولون أمريكيون على أعلى المستويات يقوض حقه في افتراض "
                "براءته ويعرضه لخطر محاكمة جائرة.",
                "لا ينبغي أن يكون نشر جوليان أسانج وثائق مسربة في إطار عمله مع ويكيليكس فعلًا "
                "يعاقب عليه القانون، إذ يماثل هذا النشاط ما يقوم به الصحفيون الاستقصائيون بانتظام "
                "في عملهم المهني. ومن شأن مقاضاة جوليان أسانج بهذه التهم أن يكون لها أثر مخيف على "
                "الحق في حرية التعبير، فتدفع الصحفيين إلى فرض رقابة ذاتية على أنفسهم خوفًا من "
                "الملاحقة القضائية.",
            ]
        ),
        "call_to_action": (
            "احمِ الحق في حرية التعبير. طالِب السلطات الأمريكية بإسقاط التهم الموجهة إلى جوليان "
            "أسانج النابعة فقط من أنشطته في النشر مع ويكيليكس."
        ),
        "target": "السيد ويليام ب. بار، المدعي العام للولايات المتحدة الأمريكية",
        "salutation": "السيد المدعي العام المحترم",
        "hand_in_note": (
            "يُرجى الملاحظة: رغم أن هذه العريضة موجهة إلى المدعي العام الأمريكي، فستُسلَّم العرائض "
            "في مرحلة لاحقة إلى سفارات الولايات المتحدة في البلدان المعنية. يُرجى عدم إرسال "
            "العرائض مباشرة إلى مكتب المدعي العام."
        ),
    },
}


def seed_translations(apps: Apps) -> None:
    """Create or update the Assange action's translations (fields of migration 0020).

    The petition text is the lead, as in the original.
    """
    Campaign = apps.get_model("signatures", "Campaign")
    CampaignTranslation = apps.get_model("signatures", "CampaignTranslation")
    campaign = Campaign.objects.filter(slug="assange").first()
    if campaign is None:
        return
    for language, copy in TRANSLATIONS.items():
        CampaignTranslation.objects.update_or_create(
            campaign=campaign,
            language=language,
            defaults={**copy, "petition_text": copy["lead"]},
        )
