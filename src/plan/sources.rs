//! The source table of the domain reference (upgrade-rules.md §0), transcribed: every finding and
//! task cites one of these ids, and a test checks that each cited id is here.

use super::model::Source;

/// `(id, title, url)`; where the reference lists several URLs for one id, the first is kept.
pub const SOURCES: &[(&str, &str, &str)] = &[
    ("S1", "Example Configuration Manager Upgrade Checklist (seed)", "http://systemscenter.ru/smsv4.en/html/4751b49c-4cfc-4d97-bd67-30dc8de83826.htm"),
    ("S2", "Considerations for Upgrading Sites", "https://technet.microsoft.com/en-us/library/bb680667.aspx"),
    ("S3", "Prerequisites for Upgrading to Configuration Manager", "http://systemscenter.ru/smsv4.en/html/8e657cdc-306b-4cff-a0bf-939b6df3b940.htm"),
    ("S4", "Planning to upgrade (section intro)", "https://systemscenter.ru/smsv4.en/html/f10e9d10-bc13-4fbb-aec7-ef87792430b2.htm"),
    ("S5", "CM07 (no SP) Supported Configurations", "http://technet.microsoft.com/en-us/library/cc161860.aspx"),
    ("S6", "CM07 SP1 Supported Configurations", "http://technet.microsoft.com/en-us/library/cc161823.aspx"),
    ("S7", "CM07 SP2 Supported Configurations", "http://technet.microsoft.com/en-us/library/ee344146.aspx"),
    ("S8", "CM07 General Supported Configurations", "http://technet.microsoft.com/en-us/library/dd547071.aspx"),
    ("S9", "Configuration Manager In-Place Upgrade", "https://systemscenter.ru/smsv4.en/html/3bd5f7f9-66e1-425d-8da6-4b2ba592860e.htm"),
    ("S10", "Configuration Manager Side-By-Side Upgrade", "https://systemscenter.ru/smsv4.en/html/a3f4d3c8-1acb-460c-a29d-c5348a2c6b50.htm"),
    ("S11", "Upgrade strategies (in-place vs side-by-side)", "https://systemscenter.ru/smsv4.en/html/cf8e50bf-0e77-4e97-8025-7457c83c609c.htm"),
    ("S12", "How to Test the Site Database Upgrade Process", "https://learn.microsoft.com/en-us/previous-versions/system-center/configuration-manager-2007/bb693648(v=technet.10)"),
    ("S13", "How to Upgrade to SMS 2003 SP2 (testdbupgrade in SMS 2003)", "http://technet.microsoft.com/en-us/library/cc179870.aspx"),
    ("S14", "About the Setup Prerequisite Checker", "http://systemscenter.ru/smsv4.en/html/4fbdbbcc-0f6d-4f4b-a652-d3decb093949.htm"),
    ("S15", "Setup Prerequisite Checks (bb680951), opening only", "https://www.laitimes.com/article/1bvu9_1db13.html"),
    ("S16", "Upgrade Secondary Site Wizard", "https://systemscenter.ru/smsv4.en/html/7fa4e931-7e06-4788-8c6e-82c1a0b62a6b.htm"),
    ("S17", "Prerequisite Component Update Checker (de-de)", "https://learn.microsoft.com/de-de/previous-versions/system-center/configuration-manager-2007/bb932127(v=technet.10)"),
    ("S18", "About the Secure Key Exchange Parameters; manual key exchange behaviour", "http://systemscenter.ru/smsv4.en/html/0a09fc65-d05e-48a4-99f7-34e889bf5be1.htm"),
    ("S19", "ConfigMgr 2007 Unleashed, \"Conducting an In-place Upgrade (part 1)\" (practitioner)", "http://guides.wmlcloud.com/application_server/migrating-to-configuration-manager-2007---conducting-an-in-place-upgrade-(part-1)---running-the-prerequisite-checker.aspx"),
    ("S20", "CM07 SP1 / SP2 Upgrade Checklists", "http://systemscenter.ru/smsv4.en/html/29dd1a6b-c337-4717-9581-bfd60ad3ab52.htm"),
    ("S21", "Prerequisites for Software Updates", "http://systemscenter.ru/smsv4.en/html/76638fa0-cbc7-4b42-9378-0a92a3be1201.htm"),
    ("S22", "Planning the SMS 2003 Software Updates Upgrade; CM07 ITMU docs", "http://systemscenter.ru/smsv4.en/html/c031a943-1e8b-487b-b549-790cc3d25f33.htm"),
    ("S23", "Prerequisites for Client Deployment", "http://technet.microsoft.com/en-us/library/bb680537.aspx"),
    ("S24", "Client installation methods (Configuration Manager 2007 documentation, logon-script topic)", "https://systemscenter.ru/smsv4.en/html/b206baa2-0d4d-4792-a57d-b2cdeef21de0.htm"),
    ("S25", "What's New in Client Deployment (site compatibility check, SLP)", "http://technet.microsoft.com/en-ca/library/bb693939.aspx"),
    ("S26", "SMS_SummarizerRootStatus / SMS_SummarizerSiteStatus", "https://msdn.microsoft.com/en-us/library/cc146135.aspx"),
    ("S27", "Understanding Sites; Set parent site; Hierarchy planning", "http://systemscenter.ru/smsv4.en/html/1cc599a0-ce85-4094-b1af-df016e38c8a4.htm"),
    ("S28", "About site system roles", "http://systemscenter.ru/smsv4.en/html/2e7c54af-7e53-4da8-a419-648dd2e1643e.htm"),
    ("S29", "How to install an MP; About BITS-enabled DPs", "https://systemscenter.ru/smsv4.en/html/0e80605f-165c-4c82-92c3-d4d74bdbcf84.htm"),
    ("S30", "Capacity planning; performance topics", "http://technet.microsoft.com/en-us/library/bb680869.aspx"),
    ("S31", "Configuration Manager Site Modes", "https://docs.microsoft.com/en-us/previous-versions/system-center/configuration-manager-2007/bb680658(v=technet.10)"),
    ("S32", "CM07 SDK Server Runtime Requirements", "https://learn.microsoft.com/en-us/previous-versions/system-center/developer/cc302768(v=msdn.10)"),
    ("S33", "Primary vs secondary sites / proxy MP", "http://systemscenter.ru/smsv4.en/html/39f0dd42-ff19-4534-bb1a-850d4abc0d25.htm"),
    ("S34", "Cross-forest communication between sites (TechNet blog)", "http://blogs.technet.com/b/pauljones/archive/2009/03/04/cross-forest-communications-between-configuration-manager-sites.aspx"),
    ("S35", "SMS 2003 Appendix H, Upgrading to SMS 2003", "https://docs.microsoft.com/en-us/previous-versions/system-center/configuration-manager-2003/cc179616%28v%3Dtechnet.10%29"),
    ("S36", "Installing ConfigMgr 2007 R2 (Unleashed excerpt)", "http://programming4.us/enterprise/14938.aspx"),
    ("S38", "Known issue: mixed-version hierarchies (collections)", "https://systemscenter.ru/smsv4.en/html/161f2ef5-b3ad-4291-8b56-0c288d5dd93f.htm"),
    ("S39", "Component Status Properties (thresholds)", "https://systemscenter.ru/smsv4.en/html/d8577603-020d-42cc-a1c1-890eb0ba2a5e.htm"),
    ("S40", "SMS 2003: Manually Transferring Site Keys", "http://technet.microsoft.com/en-us/library/cc179904(v=technet.10)"),
    ("S41", "SMS 2003: Changing the security mode (advanced to standard only by recovery)", "http://technet.microsoft.com/en-us/library/cc179934(v=technet.10)"),
    ("S42", "SMS 2003: Site server computer account rights on a remote SQL Server", "http://technet.microsoft.com/en-us/library/cc179669.aspx"),
    ("S43", "SMS 2003 Security FAQ (advanced security under a standard-security parent)", "http://technet.microsoft.com/en-us/cc987808.aspx"),
    ("S44", "Configuring software updates at the top of the hierarchy first", "http://systemscenter.ru/smsv4.en/html/c031a943-1e8b-487b-b549-790cc3d25f33.htm"),
    ("S45", "Site-to-site communication: sender addresses and rate limits", "https://systemscenter.ru/smsv4.en/html/09261f9e-4263-4cc4-8217-ed681c24f213.htm"),
    ("S46", "ITMU for Configuration Manager 2007: the synchronization host", "http://systemscenter.ru/itmu_smsv4.en/html/10ed10ac-e1d5-47e2-9b93-b460e0910e08.htm"),
];

/// The source with reference id `id`, if the table has it.
pub fn source(id: &str) -> Option<Source> {
    SOURCES
        .iter()
        .find(|(i, _, _)| *i == id)
        .map(|(id, title, url)| Source {
            id: id.to_string(),
            title: title.to_string(),
            url: url.to_string(),
        })
}
