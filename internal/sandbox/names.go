package sandbox

// Word lists of the seed generator. Names are varied on purpose (several
// regions, accents, apostrophes, hyphens) so clients meet realistic text.

var firstNames = []string{
	"Priya", "Aarav", "Ananya", "Rohan", "Kavya", "Vikram", "Meera", "Arjun", "Sanjana", "Nikhil",
	"Wei", "Li", "Mei", "Jun", "Xiu", "Hao", "Yan", "Chen", "Lan", "Bo",
	"Hiroshi", "Yuki", "Sakura", "Kenji", "Aiko", "Takumi", "Haruka", "Ren",
	"Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun",
	"Olivia", "Liam", "Emma", "Noah", "Ava", "Oliver", "Sophia", "Elijah", "Isabella", "James",
	"Charlotte", "William", "Amelia", "Benjamin", "Mia", "Lucas", "Harper", "Henry", "Evelyn", "Alexander",
	"Sofía", "Mateo", "Valentina", "Santiago", "Camila", "Diego", "Lucía", "Javier", "Isabel", "Andrés",
	"José", "María", "João", "Ana", "Pedro", "Beatriz",
	"Amara", "Chinedu", "Ngozi", "Kwame", "Abena", "Tunde", "Zainab", "Kofi", "Aisha", "Oluwaseun",
	"Fatima", "Omar", "Layla", "Yusuf", "Noor", "Hassan", "Mariam", "Karim",
	"Lars", "Ingrid", "Sven", "Astrid", "Mikael", "Freya", "Henrik", "Sigrid",
	"Zoë", "François", "Chloé", "Émile", "Léa", "Mathéo",
	"Giulia", "Marco", "Francesca", "Luca", "Chiara", "Matteo",
	"Katarzyna", "Piotr", "Agnieszka", "Tomasz", "Dmitri", "Olga", "Ivan", "Natasha",
	"Siobhan", "Declan", "Aoife", "Cian", "Niamh", "Eoin",
	"Tane", "Aroha", "Mere", "Wiremu",
	"Grace", "Daniel", "Hannah", "Samuel", "Rachel", "David", "Leah", "Michael", "Sarah", "Joseph",
}

var lastNames = []string{
	"Natarajan", "Sharma", "Patel", "Iyer", "Reddy", "Gupta", "Krishnan", "Menon", "Chatterjee", "Bose",
	"Wang", "Zhang", "Liu", "Chen", "Huang", "Zhao", "Wu", "Zhou", "Lin", "Xu",
	"Tanaka", "Suzuki", "Takahashi", "Watanabe", "Yamamoto", "Nakamura", "Kobayashi", "Sato",
	"Kim", "Park", "Lee", "Choi", "Jung",
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
	"Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark", "Lewis", "Walker",
	"García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez", "Sánchez", "Ramírez", "Torres",
	"Silva", "Santos", "Oliveira", "Souza", "Costa", "Ferreira",
	"Okafor", "Adeyemi", "Mensah", "Owusu", "Nwosu", "Abubakar", "Balogun", "Asante",
	"Haddad", "Khalil", "Nasser", "Rahman", "Hussain", "Aziz", "Farouk", "Mansour",
	"Johansson", "Andersson", "Nilsson", "Larsen", "Hansen", "Virtanen", "Korhonen", "Lindqvist",
	"Dubois", "Lefèvre", "Moreau", "Laurent", "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi",
	"Kowalski", "Nowak", "Wiśniewski", "Ivanov", "Petrov", "Smirnova", "Novák",
	"O'Brien", "O'Connor", "Murphy", "Kelly", "McCarthy", "Byrne", "Doyle",
	"Ngata", "Parata", "Te Rangi",
	"Schmidt", "Müller", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Van der Berg", "De Vries", "Jansen",
	"Cohen", "Levi", "Friedman", "Katz", "Mizrahi",
	"Smith-Jones", "Nguyen", "Tran", "Pham", "Le", "Hoang",
}

// appNames are integration ("app") accounts; Atlassian gives them no email.
var appNames = []string{
	"Jira Automation", "Slack", "Microsoft Teams for Jira", "GitHub for Jira", "Opsgenie",
	"Statuspage", "Trello", "Zephyr Scale", "Tempo Timesheets", "Confluence Analytics",
	"Jira Service Management Widget", "Bitbucket Cloud", "Zoom for Jira", "Figma for Jira",
}

// externalDomains are mailbox providers and partner companies outside the org.
var externalDomains = []string{
	"contractor-collective.example", "freemail.example", "agency-partners.example", "northwind-consulting.example",
}

// customerDomains are where Jira Service Management customers write from.
var customerDomains = []string{
	"customer-corp.example", "retail-client.example", "mailbox.example", "globex.example",
}

// groupTemplate describes one seeded group name: its share of the users and
// the product access it grants.
type groupTemplate struct {
	name        string
	description string
	share       float64 // fraction of eligible users; 0 = small zipf-like size
	fixedSize   int     // exact size, overrides share (site admins)
	grants      string  // product type key it grants atlassian/user on; "all-admin" for site admins
}

// groupTemplates are in seeding order. Index 0 becomes the default group and
// indexes 3 and 9 the identity-provider groups when at least four groups are
// generated (see Generate).
var groupTemplates = []groupTemplate{
	{name: "jira-software-users", description: "Grants access to Jira Software", share: 0.70, grants: typeKeyJiraSoftware},
	{name: "confluence-users", description: "Grants access to Confluence", share: 0.60, grants: typeKeyConfluence},
	{name: "engineering", description: "All engineers", share: 0.28},
	{name: "okta-all-employees", description: "Synced from Okta: every employee", share: 0.85},
	{name: "site-admins", description: "Site administrators", fixedSize: 4, grants: grantAllAdmin},
	{name: "finance-emea", description: "Finance team, Europe, Middle East and Africa"},
	{name: "product-management", description: "Product managers"},
	{name: "design", description: "Product design and research"},
	{name: "jira-servicedesk-users", description: "Grants access to Jira Service Management", share: 0.12, grants: typeKeyServiceDesk},
	{name: "azure-ad-contractors", description: "Synced from Microsoft Entra ID: contractors"},
	{name: "support-tier-1", description: "First-line support agents"},
	{name: "marketing", description: "Marketing"},
	{name: "sales-north-america", description: "Sales, North America"},
	{name: "security", description: "Security engineering"},
	{name: "data-platform", description: "Data platform team"},
	{name: "people-ops", description: "People operations"},
	{name: "legal", description: "Legal and compliance"},
	{name: "mobile", description: "iOS and Android"},
	{name: "qa-automation", description: "Test automation"},
	{name: "finance-apac", description: "Finance team, Asia-Pacific"},
	{name: "devops", description: "Platform and SRE"},
	{name: "customer-success", description: "Customer success managers"},
	{name: "interns-2026", description: "Summer interns"},
	{name: "architecture-board", description: "Architecture review board"},
}

const grantAllAdmin = "all-admin"
