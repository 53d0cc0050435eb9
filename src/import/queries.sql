-- cmplan import: read-only queries for the SMS 2003 central site database (SMS_<code>).
-- SQL Server 2000 syntax (they run unchanged on SQL Server 2005). Run each one in Query Analyzer
-- or Management Studio and save its results, with the header row, as the CSV file named above it.
-- They only SELECT from the SMS views: nothing in the database is changed.

-- sites.csv: every site of the hierarchy (v_Site, the view of SMS_Site).
-- Type: 1 = secondary, 2 = primary. Status: 1 active ... 4 deleted (deleted sites are left out).
SELECT SiteCode, SiteName, Type, ReportingSiteCode, ServerName, Version, BuildNumber, Status
FROM v_Site
ORDER BY SiteCode

-- site_systems.csv: every site system and its roles (v_SystemResourceList).
SELECT DISTINCT SiteCode, ServerName, RoleName
FROM v_SystemResourceList
ORDER BY SiteCode, ServerName, RoleName

-- clients.csv: clients per assigned site and client type (ClientType 1 = Advanced, 0 = Legacy).
SELECT ASSIGNED.SMS_Assigned_Sites0 AS SiteCode,
       SYS.Client_Type0 AS ClientType,
       COUNT(DISTINCT SYS.ResourceID) AS Clients
FROM v_R_System SYS
INNER JOIN v_RA_System_SMSAssignedSites ASSIGNED ON ASSIGNED.ResourceID = SYS.ResourceID
WHERE SYS.Client0 = 1
  AND (SYS.Obsolete0 = 0 OR SYS.Obsolete0 IS NULL)
GROUP BY ASSIGNED.SMS_Assigned_Sites0, SYS.Client_Type0
ORDER BY ASSIGNED.SMS_Assigned_Sites0, SYS.Client_Type0

-- servers.csv (optional): operating system and free disk of the site systems that are SMS clients
-- with hardware inventory. FreeSpace0 is in MB; the fixed disk (DriveType0 = 3) with the most
-- free space is taken. Commas are taken out of the caption, which Management Studio does not quote.
SELECT SYS.Netbios_Name0 AS ServerName,
       REPLACE(OS.Caption0, ',', '') AS Caption,
       OS.CSDVersion0 AS CSDVersion,
       MAX(DISK.FreeSpace0) AS FreeSpaceMB
FROM v_R_System SYS
INNER JOIN v_GS_OPERATING_SYSTEM OS ON OS.ResourceID = SYS.ResourceID
LEFT OUTER JOIN v_GS_LOGICAL_DISK DISK ON DISK.ResourceID = SYS.ResourceID AND DISK.DriveType0 = 3
WHERE SYS.Netbios_Name0 IN
      (SELECT LEFT(ServerName, CHARINDEX('.', ServerName + '.') - 1) FROM v_SystemResourceList)
GROUP BY SYS.Netbios_Name0, OS.Caption0, OS.CSDVersion0
ORDER BY SYS.Netbios_Name0

-- sql.csv (optional): run on EACH site database server (any database), and append the rows
-- under one header row.
SELECT CAST(SERVERPROPERTY('MachineName') AS nvarchar(128)) AS ServerName,
       CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) AS ProductVersion
