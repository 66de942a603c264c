//! Company, person and town names of the demo ledger, per language.

use dun_core::money::Locale;

/// Names to draw from for one language.
pub(super) struct Names {
    /// Family names.
    pub(super) surnames: &'static [&'static str],
    /// Trades.
    pub(super) sectors: &'static [&'static str],
    /// Legal forms.
    pub(super) forms: &'static [&'static str],
    /// Given names.
    pub(super) first_names: &'static [&'static str],
    /// Towns, to tell apart two firms of the same name.
    pub(super) towns: &'static [&'static str],
    /// The trade comes before the family name.
    pub(super) sector_first: bool,
}

/// The names of one language.
pub(super) fn names(locale: Locale) -> Names {
    match locale {
        Locale::En => Names {
            surnames: &[
                "Harper",
                "Whitfield",
                "Pryce",
                "Caldwell",
                "Ashby",
                "Thornton",
                "Mercer",
                "Langley",
                "Finch",
                "Holloway",
            ],
            sectors: &[
                "Builders",
                "Joinery",
                "Catering",
                "Logistics",
                "Print",
                "Electrical",
            ],
            forms: &["Ltd", "& Sons Ltd", "Trading Ltd", "plc"],
            first_names: &["Emma", "Oliver", "Sophie", "James", "Amelia", "Harry"],
            towns: &["Leeds", "Bristol", "York", "Derby", "Bath", "Hull"],
            sector_first: false,
        },
        Locale::It => Names {
            surnames: &[
                "Rossi", "Bianchi", "Ferrari", "Esposito", "Colombo", "Ricci", "Marino", "Greco",
                "Bruno", "Gallo",
            ],
            sectors: &[
                "Costruzioni",
                "Arredamenti",
                "Trasporti",
                "Alimentari",
                "Impianti",
                "Tessuti",
            ],
            forms: &["S.r.l.", "S.p.A.", "& Figli S.n.c."],
            first_names: &["Giulia", "Marco", "Francesca", "Luca", "Chiara", "Matteo"],
            towns: &["Torino", "Bergamo", "Verona", "Bari", "Parma", "Lecce"],
            sector_first: true,
        },
        Locale::Es => Names {
            surnames: &[
                "García",
                "Fernández",
                "López",
                "Martínez",
                "Sánchez",
                "Pérez",
                "Gómez",
                "Ruiz",
                "Díaz",
                "Moreno",
            ],
            sectors: &[
                "Ferretería",
                "Construcciones",
                "Distribuciones",
                "Talleres",
                "Suministros",
            ],
            forms: &["S.L.", "S.A."],
            first_names: &["Lucía", "Javier", "Carmen", "Pablo", "Marta", "Sergio"],
            towns: &["Sevilla", "Bilbao", "Zaragoza", "Murcia", "Vigo", "Toledo"],
            sector_first: true,
        },
        Locale::Fr => Names {
            surnames: &[
                "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
                "Leroy", "Moreau",
            ],
            sectors: &[
                "Boulangerie",
                "Menuiserie",
                "Transports",
                "Imprimerie",
                "Électricité",
            ],
            forms: &["SARL", "SAS", "& Fils"],
            first_names: &["Camille", "Julien", "Élodie", "Nicolas", "Manon", "Hugo"],
            towns: &["Lyon", "Nantes", "Lille", "Rennes", "Dijon", "Tours"],
            sector_first: true,
        },
        Locale::Ro => Names {
            surnames: &[
                "Popescu", "Ionescu", "Popa", "Dumitru", "Stan", "Stoica", "Gheorghe", "Matei",
                "Ciobanu", "Rusu",
            ],
            sectors: &["Construct", "Logistic", "Agro", "Distribuție", "Mobila"],
            forms: &["SRL", "SA"],
            first_names: &["Ioana", "Andrei", "Elena", "Mihai", "Ana", "Radu"],
            towns: &["Cluj", "Iași", "Brașov", "Sibiu", "Oradea", "Arad"],
            sector_first: false,
        },
    }
}

/// Our own sales reps.
pub(super) const SALES_REPS: &[(&str, &str)] = &[
    ("Sara Conti", "sara.conti@dun-demo.example"),
    ("Tom Baker", "tom.baker@dun-demo.example"),
    ("Inés Romero", "ines.romero@dun-demo.example"),
    ("Luc Girard", "luc.girard@dun-demo.example"),
    ("Radu Marin", "radu.marin@dun-demo.example"),
];
