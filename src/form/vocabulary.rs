//! The form's words in one place: the questions and tick-box statements of the registration
//! form, and every label, heading, mark, yes/no word and placeholder the reader recognises as
//! the form's own. Data only (tables and regex patterns); `labels` and `marks` hold the logic
//! that uses them. A new wording met in the wild is an entry here, not a new rule elsewhere.

/// The form's written questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Question {
    FullName,
    Title,
    FirstName,
    LastName,
    Organisation,
    Email,
    /// "Contact": an e-mail when the answer holds an `@`, else a name.
    Contact,
    Terms,
    Service,
    Ip,
    Records,
    Calls,
    UserGuide,
}

impl Question {
    pub(crate) const COUNT: usize = 13;
}

/// The form's tick-box statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Statement {
    Terms,
    Public,
    Partner,
    UserGuide,
}

impl Statement {
    pub(crate) const COUNT: usize = 4;
}

// --- labels -------------------------------------------------------------------------------------

/// Whole labels, by the question they ask: one regex alternation each, matched against the whole
/// normalised label (lower case, numbering, bullets and "(required)" gone). The first match in
/// this order wins.
pub(crate) const LABELS: &[(Question, &str)] = &[
    (
        Question::FullName,
        r"(?:your |applicant'?s? |contact |legal |person'?s? )?(?:full )?name(?: of (?:the )?(?:applicant|contact person|person))?(?: in full)?|applicant|contact person|name \(first and last\)|first and last name",
    ),
    (Question::Title, r"title|salutation"),
    (
        Question::FirstName,
        r"first name|given names?|forename|first names?",
    ),
    (Question::LastName, r"last name|surname|family name"),
    (
        Question::Organisation,
        r"(?:your |applicant'?s? |the |name of (?:your |the )?)?(?:organi[sz]ation|agency|company|employer|institution|department|business|entity)(?:\s*(?:/|or|and|&)\s*(?:organi[sz]ation|agency|company|employer|institution|department|business|entity))*(?: name)?|org",
    ),
    (
        Question::Email,
        r"(?:your |contact |applicant'?s? |work |business |official )?e-? ?mail(?: address)?(?: \(contact\))?|email id",
    ),
    (Question::Contact, r"contact|contact details"),
    (
        Question::Terms,
        r"terms(?: of use)?(?: accepted| agreed| agreement| acceptance)?|(?:i |do you |you )?(?:accept|agree to)(?: the)? terms(?: of use)?(?: of (?:the )?[a-z ]{0,60})?\??|terms and conditions",
    ),
    (
        Question::UserGuide,
        r"(?:the )?user guide(?: agreement| agreed| accepted)?|(?:i |do you |you )?agree to (?:read and follow )?(?:the )?(?:[a-z ]{0,60} )?user guide\??",
    ),
    (
        Question::Service,
        r"(?:coding )?service(?:s)?(?: required| type| requested| selected| chosen| option| sought| applied for)?|type of (?:coding )?service|which service|(?:coding )?service \(public or partner\)|public or partner",
    ),
    (
        Question::Ip,
        r"(?:static |your |agency |public |allowlisted |whitelisted )?ip(?: address(?:es)?| addresse?\(?e?s?\)?| range| ranges| address or range| address(?:es)? or range(?:s)?)?(?: for (?:allow|white)listing)?|ip\(s\)|ip address\(es\)(?: for (?:allow|white)listing)?|(?:allow|white) ?list(?:ed)?(?: ip)?(?: address(?:es)?)?",
    ),
    (
        Question::Records,
        r"(?:expected |estimated |peak |max(?:imum)? |daily )?(?:number of )?records(?: to (?:be )?coded?)?(?: you expect to code)?(?: per day| a day| daily)?(?: \((?:peak|per day)\))?",
    ),
    (
        Question::Calls,
        r"(?:expected |estimated |peak |max(?:imum)? |daily )?(?:number of )?(?:api )?calls(?: \(batch or single record requests\))?(?: you expect to make)?(?: per day| a day| daily)?(?: \((?:peak|per day)\))?",
    ),
];

/// Numbering in front of a label ("1.", "Q3)", "7b.", "7.2", "7(b)", "b.", "(c)"), removed before
/// matching.
pub(crate) const LABEL_NUMBERING: &str = r"^(?:q?\d{1,2}\.\d{1,2}[.)]?\s+|q?\d{1,2}[a-h]?[.)]\s*|q?\d{1,2}\([a-h]\)\s*|[a-h][.)]\s+|\(\w\)\s+)";

/// Asterisks and notes after a label ("*", "(required)"), removed before matching.
pub(crate) const LABEL_SUFFIX: &str =
    r"\s*(?:\*+|\((?:required|optional|mandatory|please print|in full)\))\s*$";

/// Bullets in front of a label, removed before matching.
pub(crate) const LABEL_BULLETS: &[char] = &['·', '•', '-', '*', '◦', '▪', '‣', '>', '○', '●', '–'];

/// Labels a printed layout (PDF text) can leave with only a space before the answer, longest
/// first. An e-mail label only counts when the rest holds an address.
pub(crate) const SPACED_LABELS: &[(&str, Question)] = &[
    ("organisation name", Question::Organisation),
    ("organization name", Question::Organisation),
    ("e-mail address", Question::Email),
    ("email address", Question::Email),
    ("contact e-mail", Question::Email),
    ("contact email", Question::Email),
    ("applicant name", Question::FullName),
    ("full name", Question::FullName),
    ("organisation", Question::Organisation),
    ("organization", Question::Organisation),
    ("e-mail", Question::Email),
    ("email", Question::Email),
];

/// What the loose label rules look for in a longer label (one followed by a separator), by
/// the words that show it.
#[derive(Clone, Copy)]
pub(crate) enum LooseWord {
    Ip,
    Email,
    Calls,
    Record,
    SelectThisService,
    Terms,
    UserGuide,
    Service,
    PublicOrPartner,
    Organisation,
    Of,
    Name,
    /// "User name", "file name", "domain name", "host name": not the applicant's name.
    NotAPersonsName,
    Applicant,
}

/// The words of each `LooseWord`, found anywhere in a normalised label.
pub(crate) const LOOSE_WORDS: &[(&str, LooseWord)] = &[
    ("ip address", LooseWord::Ip),
    ("ip range", LooseWord::Ip),
    ("allowlist", LooseWord::Ip),
    ("whitelist", LooseWord::Ip),
    ("allow list", LooseWord::Ip),
    ("white list", LooseWord::Ip),
    ("static ip", LooseWord::Ip),
    ("ipv4", LooseWord::Ip),
    ("ipv6", LooseWord::Ip),
    ("ip(s)", LooseWord::Ip),
    ("e-mail", LooseWord::Email),
    ("email", LooseWord::Email),
    ("e mail", LooseWord::Email),
    ("api call", LooseWord::Calls),
    ("api request", LooseWord::Calls),
    ("calls per day", LooseWord::Calls),
    ("calls you expect", LooseWord::Calls),
    ("calls a day", LooseWord::Calls),
    ("number of calls", LooseWord::Calls),
    ("requests per day", LooseWord::Calls),
    ("record", LooseWord::Record),
    ("select this service", LooseWord::SelectThisService),
    ("terms of use", LooseWord::Terms),
    ("terms and conditions", LooseWord::Terms),
    ("user guide", LooseWord::UserGuide),
    ("service", LooseWord::Service),
    ("public or partner", LooseWord::PublicOrPartner),
    ("organisation", LooseWord::Organisation),
    ("organization", LooseWord::Organisation),
    ("agency", LooseWord::Organisation),
    ("department", LooseWord::Organisation),
    ("company", LooseWord::Organisation),
    ("employer", LooseWord::Organisation),
    ("institution", LooseWord::Organisation),
    (" of ", LooseWord::Of),
    ("name", LooseWord::Name),
    ("user", LooseWord::NotAPersonsName),
    ("file", LooseWord::NotAPersonsName),
    ("domain", LooseWord::NotAPersonsName),
    ("host", LooseWord::NotAPersonsName),
    ("applicant", LooseWord::Applicant),
];

/// Pieces of the IP question's label that a narrow column wraps onto lines of their own
/// ("allowlisting (Partner service", "only)"): anywhere in the line, at its start, at its end.
pub(crate) const IP_LABEL_PIECES: &[&str] = &["allowlist", "whitelist", "partner service"];
pub(crate) const IP_LABEL_STARTS: &[&str] = &["ip address", "range"];
pub(crate) const IP_LABEL_ENDS: &[&str] = &["only)"];

/// Prefixes form tools put on field names ("txtEmail", "chk_terms"), as words.
pub(crate) const FIELD_NAME_PREFIXES: &[&str] = &["txt ", "chk ", "cb "];

// --- headings and instructions ------------------------------------------------------------------

/// The official form's headings and instructions (normalised, matched at the start of a line),
/// which are never answers.
pub(crate) const BOILERPLATE: &[&str] = &[
    "occupation coding service registration",
    "registration form",
    "your details",
    "details",
    "terms of use",
    "service required",
    "select this service",
    "you must also provide",
    "your expected use",
    "expected use",
    "please indicate",
    "user guide agreement",
    "provision of client credentials",
    "the abs will aim",
    "on completion",
    "for more information",
    "the abs complies",
];

/// The official form's printed sentences (its statements, option descriptions, instructions and
/// notes), as printed. Text that is only a piece of these was printed, not written: it is never
/// an answer, wherever a layout puts it ("up to 10,000 real-time calls per day" beside the calls
/// question, "Public coding service (1 API call …" after "Service required:").
pub(crate) const PRINTED_SENTENCES: &[&str] = &[
    "Occupation Coding Service Registration Form",
    "I have read, understand, and agree to be legally bound by the Terms of Use of the \
     Australian Bureau of Statistics Occupation Coding Service.",
    "Public coding service (1 API call per second and up to 1,000 calls per day).",
    "Select this service if you require real-time single record coding services, ad hoc \
     coding, or real-time coding of small batches of data (up to 300 records).",
    "Partner coding service (Large batch coding, and real-time coding (1 API call per second \
     and up to 10,000 real-time calls per day)).",
    "Select this service if you require single record, small batch and large dataset \
     processing (up to millions of records). You must also provide a static agency IP address \
     or range of addresses for allowlisting (not a local, personal, workstation or dynamic IP \
     address):",
    "Please indicate the approximate maximum number per day in a peak period of:",
    "records you expect to code:",
    "API calls (batch or single record requests) you expect to make:",
    "Your expected use will inform the ABS expectation of your fair use, as defined in the \
     Terms of Use.",
    "I agree to read and follow the API integration instructions in the Occupation Coding \
     Service User Guide.",
    "The ABS will aim to provide you with client credentials to use the service within five \
     business days (Monday to Friday, excluding public holidays). While we strive to meet this \
     timeframe, response times may vary depending on demand.",
    "On completion, please send this registration form to coding.service.registration@abs.gov.au.",
    "For more information about the Coding Service, see ABS Whole of Australian Government \
     Occupation Coding Service | Australian Bureau of Statistics.",
    "The ABS complies with the Privacy Act and the Archives Act 1983 in the storage, use and \
     destruction of your personal information collected for managing and operating our \
     business (see the ABS Privacy Policy for Managing and Operating Our Business).",
];

/// Words that make a document with only three of the form's questions a form after all.
pub(crate) const FORM_MENTIONS: &[&str] = &["coding service", "registration form", "allowlist"];

/// Word processors' placeholder prompts in an empty field (normalised): no answer.
pub(crate) const PLACEHOLDERS: &[&str] = &[
    "click or tap here to enter text.",
    "click or tap here to enter text",
    "click here to enter text.",
    "click here to enter text",
    "enter text here",
    "type here",
    "choose an item.",
    "choose an item",
];

// --- tick-box statements --------------------------------------------------------------------------

/// How an agreement statement is worded (normalised text): it starts with one of `starts`, or
/// holds every phrase of one of `holds`, or is an "I … agree …" sentence of more than 30
/// characters that names `topic`.
pub(crate) struct AgreementWords {
    pub statement: Statement,
    pub starts: &'static [&'static str],
    pub holds: &'static [&'static [&'static str]],
    pub topic: &'static str,
}

/// The agreements, in the order they are tried.
pub(crate) const AGREEMENTS: &[AgreementWords] = &[
    AgreementWords {
        statement: Statement::Terms,
        starts: &[
            "i have read, understand",
            "i have read and understand",
            "i have read, understood",
        ],
        holds: &[&["legally bound by the terms"]],
        topic: "terms of use",
    },
    AgreementWords {
        statement: Statement::UserGuide,
        starts: &["i agree to read and follow"],
        holds: &[&["api integration instructions", "user guide"]],
        topic: "user guide",
    },
];

/// A service option as a statement: its name, then its description in brackets, a dash, or
/// nothing (normalised text). Group 1 names the service.
pub(crate) const SERVICE_STATEMENT: &str =
    r"^(public|partner)(?: coding)? service(?:\s*\(|\s*[.,;]?\s*$|\s+-\s|\s+–\s)";

/// A service option written as a label with its mark or yes/no after it ("Public coding
/// service: [ ]"). Group 1 names the service, group 2 is the mark.
pub(crate) const SERVICE_OPTION_WITH_MARK: &str = r"(?i)\b(public|partner)(?: coding)? service\s*(?:[:\-–=]\s*)?(\[\s*[xX✓✔*]?\s*\]|\(\s*[xX✓✔*]?\s*\)|[☒☑✓✔✗✘☐□]|yes\b|no\b|y\b|n\b)";

/// The words that name each service in a written answer.
pub(crate) const PUBLIC: &str = "public";
pub(crate) const PARTNER: &str = "partner";

/// Words a check box's field name, tooltip or nearby text uses for a statement, tried in order.
pub(crate) const STATEMENT_HINTS: &[(&str, Statement)] = &[
    ("terms", Statement::Terms),
    ("guide", Statement::UserGuide),
    ("partner", Statement::Partner),
    ("public", Statement::Public),
];

// --- marks and yes/no ---------------------------------------------------------------------------

/// Characters that draw a ticked box or a tick.
pub(crate) const TICKED_GLYPHS: &[char] = &[
    '☒', '☑', '✓', '✔', '✗', '✘', '✅', '⊠', '■', '▣', '◼', '●', '◉', '🗹', '⮽', '⌧', '☓', '✕', '✖',
    '🗷', '🗸',
];
/// Characters that draw an empty box.
pub(crate) const UNTICKED_GLYPHS: &[char] =
    &['☐', '□', '○', '◯', '❑', '❒', '▢', '⬜', '◻', '❏', '⚪'];

/// A typed box at the start of a text: `[x]`, `(x)`, `{ }`, `[yes]`; group 1 is the mark
/// (absent: an empty box).
pub(crate) const BRACKET_BOX: &str = r"^[\[\(\{]\s*([xX✓✔✗✘☒☑*/vV]|yes|Yes|YES)?\s*[\]\)\}]";

/// A typed mark in front of a statement ("X ", "Yes - ", "n)"); group 1 is the word.
pub(crate) const TYPED_MARK: &str = r"^(?i)(x|yes|y|no|n)\s*(?:[-–:.)]\s*|\s)";

/// A mark after a statement: a typed box (group 1 its mark) or a separator and a yes/no word
/// (group 2).
pub(crate) const TRAILING_MARK: &str = r"(?i)(?:[\[\(\{]\s*([xX✓✔*/v]|yes)?\s*[\]\)\}]|[:\-–—]\s*(yes|y|no|n|agreed|agree|i agree|accepted|not agreed|do not agree|don't agree|disagree|ticked|checked|x|true|false))\s*$";

/// Answers that say no (normalised, punctuation trimmed), and the starts of longer ones.
pub(crate) const NO: &[&str] = &[
    "no",
    "n",
    "not agreed",
    "do not agree",
    "don't agree",
    "dont agree",
    "disagree",
    "i do not agree",
    "i don't agree",
    "declined",
    "decline",
    "not accepted",
    "false",
    "unticked",
    "unchecked",
    "not ticked",
    "no, i do not agree",
    "i disagree",
    "not yet",
    "nope",
];
pub(crate) const NO_STARTS: &[&str] = &["no ", "no,", "not agreed", "do not agree"];

/// Answers that say yes (normalised, punctuation trimmed), and the starts of longer ones.
pub(crate) const YES: &[&str] = &[
    "yes",
    "y",
    "agreed",
    "agree",
    "i agree",
    "accepted",
    "accept",
    "i accept",
    "true",
    "ticked",
    "checked",
    "x",
    "ok",
    "okay",
    "confirmed",
    "i confirm",
    "yes, i agree",
    "yes i agree",
    "yes - i agree",
    "yes, agreed",
    "agreed and accepted",
    "i have read and agree",
    "yes, i accept",
    "yes (agreed)",
    "yes - agreed",
    "done",
    "i agree to the terms of use",
    "i agree to read and follow the user guide",
];
pub(crate) const YES_STARTS: &[&str] = &["yes", "i agree", "agreed"];

// --- answers written as sentences (free wording) ------------------------------------------------

/// Words that introduce the writer's name in a sentence ("My name is …", "I'm …").
pub(crate) const PROSE_NAME_INTROS: &[&str] = &[
    "my name is ",
    "my name's ",
    "i'm ",
    "i’m ",
    "i am ",
    "this is ",
];

/// Words that introduce the writer's organisation in a sentence ("I work at …", "from …").
pub(crate) const PROSE_ORG_INTROS: &[&str] = &[
    "i work at ",
    "i work for ",
    "i work in ",
    "we work at ",
    "i am with ",
    "i'm with ",
    "i’m with ",
    "on behalf of ",
    "representing ",
    "director of ",
    "manager at ",
    "manager of ",
    "i run ",
    "we run ",
    "i own ",
    "owner of ",
    "founder of ",
    " from ",
    " at ",
];

/// Words that end a name or an organisation written in a sentence (an organisation's run
/// keeps the joiners below, "Institute for Skills", and ends at the next word in lower case).
pub(crate) const PROSE_STOPS: &[&str] = &[
    " and ", " from ", " at ", " with ", " who ", " where ", " we ", " i ", " to ", " for ",
    " in ", " on ", " - ", " – ",
];

/// Lower-case words allowed inside an organisation's name ("University of Newcastle").
pub(crate) const PROSE_NAME_JOINERS: &[&str] = &["of", "and", "for", "the", "&"];

/// Words of an agreement written as a sentence, and words that negate it.
pub(crate) const PROSE_AGREE: &[&str] = &[
    "agree",
    "accept",
    "have read",
    "will read",
    "will follow",
    "follow",
    "comply",
];
pub(crate) const PROSE_NEGATIONS: &[&str] = &[
    "not ", "n't ", "n’t ", "never ", "cannot ", "refuse", "disagree",
];
/// The topics of the two agreements, as written in a sentence.
pub(crate) const PROSE_TERMS: &[&str] =
    &["terms of use", "terms and conditions", "terms of service"];
pub(crate) const PROSE_GUIDE: &[&str] = &["user guide"];

/// Words after a number that say what it counts.
pub(crate) const PROSE_RECORDS: &[&str] = &["records", "record"];
pub(crate) const PROSE_CALLS: &[&str] = &["calls", "requests", "call"];

/// The service's own mailbox: in a sentence it is never the applicant's address.
pub(crate) const SERVICE_ADDRESS: &str = "coding.service.registration@abs.gov.au";
