"""Fixed word lists for the national benchmark data set (rsom.national_data): how the register is
spread over the 43 territorial forces, the towns and postcode areas each force covers, and common
names. Every person, address and number generated from these is invented."""

from __future__ import annotations


def _words(text: str) -> list[str]:
    return text.split()


def _lines(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", "").split(";") if part.strip()]


# Approximate population of each force area (thousands). The register's share of each force is
# population ** SPREAD_EXPONENT, which puts about 9 % of it in the Metropolitan Police area and
# most of the rest in a handful of big forces.
FORCE_POPULATION = {
    "metropolitan": 8900,
    "west-midlands": 2940,
    "greater-manchester": 2870,
    "thames-valley": 2450,
    "west-yorkshire": 2350,
    "hampshire-and-isle-of-wight": 2050,
    "kent": 1880,
    "essex": 1860,
    "devon-and-cornwall": 1800,
    "avon-and-somerset": 1750,
    "sussex": 1730,
    "lancashire": 1530,
    "northumbria": 1480,
    "merseyside": 1430,
    "south-yorkshire": 1410,
    "south-wales": 1330,
    "west-mercia": 1320,
    "surrey": 1210,
    "hertfordshire": 1200,
    "nottinghamshire": 1170,
    "staffordshire": 1140,
    "leicestershire": 1120,
    "cheshire": 1080,
    "derbyshire": 1060,
    "humberside": 940,
    "norfolk": 920,
    "cambridgeshire": 890,
    "north-yorkshire": 830,
    "northamptonshire": 790,
    "dorset": 780,
    "lincolnshire": 770,
    "suffolk": 770,
    "wiltshire": 730,
    "north-wales": 700,
    "bedfordshire": 700,
    "gloucestershire": 650,
    "durham": 640,
    "warwickshire": 600,
    "gwent": 600,
    "cleveland": 570,
    "dyfed-powys": 520,
    "cumbria": 500,
    "city-of-london": 10,
}
SPREAD_EXPONENT = 0.7

# Towns and the postcode area each is in, per force ("Town:AREA;…").
FORCE_PLACES = {
    "avon-and-somerset": "Bristol:BS;Bath:BA;Taunton:TA;Weston-super-Mare:BS;Yeovil:BA",
    "bedfordshire": "Bedford:MK;Luton:LU;Dunstable:LU",
    "cambridgeshire": "Cambridge:CB;Peterborough:PE;Huntingdon:PE;Ely:CB",
    "cheshire": "Chester:CH;Warrington:WA;Crewe:CW;Macclesfield:SK;Runcorn:WA",
    "city-of-london": "London:EC",
    "cleveland": "Middlesbrough:TS;Hartlepool:TS;Stockton-on-Tees:TS;Redcar:TS",
    "cumbria": "Carlisle:CA;Barrow-in-Furness:LA;Kendal:LA;Workington:CA",
    "derbyshire": "Derby:DE;Chesterfield:S;Ilkeston:DE;Buxton:SK",
    "devon-and-cornwall": "Plymouth:PL;Exeter:EX;Torquay:TQ;Truro:TR;Barnstaple:EX",
    "dorset": "Bournemouth:BH;Poole:BH;Weymouth:DT;Dorchester:DT",
    "durham": "Durham:DH;Darlington:DL;Consett:DH;Peterlee:SR",
    "essex": "Chelmsford:CM;Colchester:CO;Southend-on-Sea:SS;Basildon:SS;Harlow:CM",
    "gloucestershire": "Gloucester:GL;Cheltenham:GL;Stroud:GL",
    "greater-manchester": (
        "Manchester:M;Salford:M;Bolton:BL;Wigan:WN;Oldham:OL;Stockport:SK;Rochdale:OL"
    ),
    "hampshire-and-isle-of-wight": (
        "Southampton:SO;Portsmouth:PO;Basingstoke:RG;Winchester:SO;Newport:PO"
    ),
    "hertfordshire": "Watford:WD;St Albans:AL;Stevenage:SG;Hemel Hempstead:HP",
    "humberside": "Hull:HU;Grimsby:DN;Scunthorpe:DN;Bridlington:YO",
    "kent": "Maidstone:ME;Canterbury:CT;Dartford:DA;Ashford:TN;Margate:CT",
    "lancashire": "Preston:PR;Blackpool:FY;Blackburn:BB;Lancaster:LA;Burnley:BB",
    "leicestershire": "Leicester:LE;Loughborough:LE;Hinckley:LE",
    "lincolnshire": "Lincoln:LN;Boston:PE;Grantham:NG;Skegness:PE",
    "merseyside": "Liverpool:L;Birkenhead:CH;St Helens:WA;Southport:PR",
    "metropolitan": (
        "London:E;London:N;London:SE;London:SW;London:W;London:NW;Croydon:CR;Romford:RM;"
        "Ilford:IG;Harrow:HA;Bromley:BR;Kingston upon Thames:KT;Enfield:EN"
    ),
    "norfolk": "Norwich:NR;Great Yarmouth:NR;King's Lynn:PE",
    "north-yorkshire": "York:YO;Harrogate:HG;Scarborough:YO",
    "northamptonshire": "Northampton:NN;Kettering:NN;Corby:NN",
    "northumbria": "Newcastle upon Tyne:NE;Sunderland:SR;Gateshead:NE;South Shields:NE",
    "nottinghamshire": "Nottingham:NG;Mansfield:NG;Worksop:S",
    "south-yorkshire": "Sheffield:S;Doncaster:DN;Rotherham:S;Barnsley:S",
    "staffordshire": "Stoke-on-Trent:ST;Stafford:ST;Tamworth:B;Burton upon Trent:DE",
    "suffolk": "Ipswich:IP;Bury St Edmunds:IP;Lowestoft:NR",
    "surrey": "Guildford:GU;Woking:GU;Redhill:RH;Staines:TW",
    "sussex": "Brighton:BN;Crawley:RH;Eastbourne:BN;Hastings:TN;Worthing:BN",
    "thames-valley": "Reading:RG;Oxford:OX;Milton Keynes:MK;Slough:SL;High Wycombe:HP",
    "warwickshire": "Nuneaton:CV;Rugby:CV;Warwick:CV;Leamington Spa:CV",
    "west-mercia": "Worcester:WR;Telford:TF;Shrewsbury:SY;Hereford:HR",
    "west-midlands": "Birmingham:B;Coventry:CV;Wolverhampton:WV;Dudley:DY;Walsall:WS",
    "west-yorkshire": "Leeds:LS;Bradford:BD;Wakefield:WF;Huddersfield:HD;Halifax:HX",
    "wiltshire": "Swindon:SN;Salisbury:SP;Chippenham:SN;Trowbridge:BA",
    "dyfed-powys": "Carmarthen:SA;Aberystwyth:SY;Llanelli:SA;Newtown:SY",
    "gwent": "Newport:NP;Cwmbran:NP;Abergavenny:NP",
    "north-wales": "Wrexham:LL;Bangor:LL;Rhyl:LL;Colwyn Bay:LL",
    "south-wales": "Cardiff:CF;Swansea:SA;Bridgend:CF;Merthyr Tydfil:CF",
}

TEAM_NAMES = [
    "North",
    "South",
    "East",
    "West",
    "Central",
    "North East",
    "North West",
    "South East",
    "South West",
]

MALE_FORENAMES = _words("""
James John David Michael Paul Mark Andrew Richard Stephen Peter Christopher Robert Gary Ian
Darren Lee Craig Wayne Kevin Steven Daniel Thomas Matthew Ryan Liam Connor Jordan Adam Jamie
Nathan Mohammed Tomasz Marius Aaron Callum Dean Shaun Graham Keith Neil Anthony Simon Jason
Martin Philip Alan Brian Colin Derek Trevor Barry Terence Raymond Kenneth Dennis Roy Leslie
Stuart Scott Carl Gareth Rhys Dylan Owen Jake Luke Joshua Samuel Benjamin Harry Jack George
Oliver Charlie William Alexander Joseph Edward Sean Patrick Francis Declan Ashley Jonathan
Nicholas Timothy Malcolm Gordon Kieran Bradley Reece Tyler Kyle Imran Tariq Adrian Piotr Andrei
""")
FEMALE_FORENAMES = _words("""
Sarah Karen Lisa Michelle Tracey Donna Julie Nicola Claire Emma Joanne Susan Deborah Amanda
Helen Rachel Kelly Samantha Victoria Laura
""")
MIDDLE_NAMES = ["John", "Paul", "James", "Lee", "Anthony", "William", "George", "Edward", "David"]
SURNAMES = _words("""
Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans Walker
White Roberts Green Hall Wood Jackson Clarke Hughes Edwards Turner Harris Martin Cooper Hill
Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis
Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell
Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum Kowalski
Nowak Popescu Ahmed Fletcher Hunt Palmer Mason Rogers Stevens Reid Hussain Ali Lewis Walsh
Thomas Jenkins Owen Powell Lloyd Pugh Rees Morgan Howells Campbell Stewart Murray Graham Kennedy
Gray Fox Holmes Mills Barnes Knight Lloyd Butler Russell Foster Hamilton Chapman Webb Rose
Dixon Matthews Gibson Hart Kaur Chambers Pearson Wells Ford Saunders Gill Holland Marsh Webster
Burton Dawson Lane Hudson Lawrence Poole Spencer Berry Grant Atkinson Wallace Porter Fisher
Barker Sutton Newman Payne Harvey Hayes Armstrong Perry Bird Barrett Jordan Dunn Reynolds
Booth Hopkins Greenwood Hewitt Kirk Slater Parry Pritchard Sharp Nicholson Brooks Day Cole
""")

STREETS = _lines("""
Oxford Road;London Road;Station Road;Church Street;Mill Lane;Queens Road;Victoria Street;
Kings Road;Park Avenue;The Crescent;Meadow Close;Elm Grove;Orchard Way;Bath Road;High Street;
Castle Street;Bridge Street;Chapel Lane;Windsor Road;Green Lane;Manor Road;Springfield Road;
Grange Road;Albert Road;New Street;School Lane;North Street;West Street;Highfield Road;
Richmond Road;Stanley Road;Brook Street;Alexandra Road;Cedar Avenue;Willow Close;Beech Drive;
Hawthorn Road;Ash Grove;Chestnut Avenue;Sycamore Close;Mount Pleasant;St John's Road;Moor Lane
""")

STATION_SUFFIXES = ["Central police station", "police station", "police station"]

COURTS_CROWN = "Crown Court"
COURTS_MAGISTRATES = "Magistrates' Court"
