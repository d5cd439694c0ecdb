<#
.SYNOPSIS
  Installs, upgrades or removes the Marquee device agent as a Windows service (WinSW).

.DESCRIPTION
  Node.js is not a service program (it does not answer the Service Control Manager), so the
  service is WinSW 2.x (one MIT-licensed exe, https://github.com/winsw/winsw/releases, v2.12.0
  WinSW-x64.exe or WinSW-NET461.exe) renamed marquee-agent.exe, which runs node.exe with the
  bundle and stops it with Ctrl+C (the agent then publishes offline). Bring the WinSW exe
  yourself (-WinSW) and check its checksum against the release page: this script downloads
  nothing.

  Layout: %ProgramFiles%\Marquee Agent (bundle, marquee-agent.exe + .xml),
  %ProgramData%\Marquee Agent (config.json with the device password, state\ = the event queue
  and command ledger, logs\), the latter readable by SYSTEM and Administrators only. The
  service runs as LocalSystem (WinSW's default; a reboot handler needs its shutdown right).

  Running it again upgrades: the service is stopped, the bundle replaced, config and state
  kept, the service started. -Uninstall keeps config and state unless -Purge.

.EXAMPLE
  .\install-windows.ps1 -WinSW .\WinSW-x64.exe -ConfigFile .\marquee-agent-scr-0001.json
.EXAMPLE
  .\install-windows.ps1 -WinSW .\WinSW-x64.exe -Broker mqtts://mqtt.example.com:8883 -ScreenId scr-0001 -PasswordFile .\pw.txt
.EXAMPLE
  .\install-windows.ps1 -Uninstall -Purge
#>
[CmdletBinding()]
param(
  [string]$ConfigFile,
  [string]$Broker,
  [string]$ScreenId,
  # A file holding the password; without it (and without -ConfigFile) it is asked for, hidden.
  [string]$PasswordFile,
  [string]$WinSW,
  [string]$NodePath,
  [string]$Bundle = (Join-Path $PSScriptRoot 'marquee-agent.mjs'),
  [switch]$Uninstall,
  [switch]$Purge
)
Set-StrictMode -Version 3
$ErrorActionPreference = 'Stop'

$ServiceId = 'marquee-agent'
$InstallDir = Join-Path $env:ProgramFiles 'Marquee Agent'
$DataDir = Join-Path $env:ProgramData 'Marquee Agent'
$ConfigPath = Join-Path $DataDir 'config.json'
$Wrapper = Join-Path $InstallDir 'marquee-agent.exe'

function Say([string]$Line) { Write-Host "marquee-agent: $Line" }
function Fail([string]$Line) { throw "marquee-agent: $Line" }

$principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
  Fail 'run it in an elevated PowerShell (Run as administrator)'
}

# SYSTEM and Administrators only, nothing inherited. SIDs, not names: names are localized.
function Protect-Path([string]$Path) {
  $isDir = Test-Path -LiteralPath $Path -PathType Container
  $acl = if ($isDir) { New-Object Security.AccessControl.DirectorySecurity } else { New-Object Security.AccessControl.FileSecurity }
  $acl.SetAccessRuleProtection($true, $false)
  $inherit = if ($isDir) { 'ContainerInherit,ObjectInherit' } else { 'None' }
  foreach ($sid in 'S-1-5-18', 'S-1-5-32-544') {
    $id = New-Object Security.Principal.SecurityIdentifier($sid)
    $acl.AddAccessRule((New-Object Security.AccessControl.FileSystemAccessRule($id, 'FullControl', $inherit, 'None', 'Allow')))
  }
  $acl.SetOwner((New-Object Security.Principal.SecurityIdentifier('S-1-5-32-544')))
  Set-Acl -LiteralPath $Path -AclObject $acl
}

function Invoke-Wrapper([string]$Verb) {
  & $Wrapper $Verb | Out-Host
  if ($LASTEXITCODE -ne 0) { Fail "marquee-agent.exe $Verb failed (exit $LASTEXITCODE)" }
}

$service = Get-Service -Name $ServiceId -ErrorAction SilentlyContinue

if ($Uninstall) {
  if ($service) {
    if ($service.Status -ne 'Stopped') { Invoke-Wrapper 'stop' }
    Invoke-Wrapper 'uninstall'
  }
  Remove-Item -LiteralPath $InstallDir -Recurse -Force -ErrorAction SilentlyContinue
  if ($Purge) {
    Remove-Item -LiteralPath $DataDir -Recurse -Force -ErrorAction SilentlyContinue
    Say 'removed the service, the agent, its config and its state'
  } else {
    Say "removed the service and the agent; kept $DataDir (config, queue, command ledger; -Purge removes it)"
  }
  return
}

# --- what to install ---------------------------------------------------------------------
if (-not (Test-Path -LiteralPath $Bundle)) { Fail "no agent bundle at $Bundle (npm run build:agent gives dist\agent\); or give -Bundle" }
if (-not $NodePath) {
  $cmd = Get-Command node.exe -ErrorAction SilentlyContinue
  if (-not $cmd) { Fail 'Node.js is not installed (node.exe is not on PATH); install Node.js 20 or newer for all users, or give -NodePath' }
  $NodePath = $cmd.Source
}
$major = [int](& $NodePath -p 'process.versions.node.split(".")[0]')
if ($major -lt 20) { Fail "$NodePath is Node.js $major; the agent needs 20 or newer" }
if (-not $service -and -not (Test-Path -LiteralPath $Wrapper) -and -not $WinSW) {
  Fail 'give -WinSW path\to\WinSW-x64.exe (v2.12.0 from https://github.com/winsw/winsw/releases)'
}
$newConfig = $ConfigFile -or $Broker -or $ScreenId -or $PasswordFile
if (-not $newConfig -and -not (Test-Path -LiteralPath $ConfigPath)) {
  Fail 'no config yet: give -ConfigFile (the file the console gives when a screen is added), or -Broker, -ScreenId and -PasswordFile'
}

# --- folders: data first, protected before the password is written into it -----------------
New-Item -ItemType Directory -Force -Path $InstallDir, $DataDir | Out-Null
Protect-Path $DataDir
New-Item -ItemType Directory -Force -Path (Join-Path $DataDir 'state'), (Join-Path $DataDir 'logs') | Out-Null

# --- the config (dataDir pinned to the state folder) -----------------------------------------
if ($newConfig) {
  $base = if ($ConfigFile) { $ConfigFile } elseif (Test-Path -LiteralPath $ConfigPath) { $ConfigPath } else { $null }
  $config = if ($base) { Get-Content -Raw -LiteralPath $base | ConvertFrom-Json } else { [pscustomobject]@{ player = @{ type = 'simulated' } } }
  if (-not ($config.PSObject.Properties.Name -contains 'broker')) { $config | Add-Member broker ([pscustomobject]@{}) }
  function Set-Field($Object, [string]$Name, $Value) { $Object | Add-Member -NotePropertyName $Name -NotePropertyValue $Value -Force }
  if ($Broker) { Set-Field $config.broker 'url' $Broker }
  if ($ScreenId) { Set-Field $config 'screenId' $ScreenId; Set-Field $config.broker 'username' $ScreenId }
  if ($PasswordFile) {
    Set-Field $config.broker 'password' (Get-Content -Raw -LiteralPath $PasswordFile).TrimEnd("`r", "`n")
  } elseif (-not $ConfigFile -and -not $base) {
    $secure = Read-Host -AsSecureString 'Device password (shown once in the console)'
    Set-Field $config.broker 'password' ([Net.NetworkCredential]::new('', $secure).Password)
  }
  Set-Field $config 'dataDir' (Join-Path $DataDir 'state')
  $tmp = Join-Path $DataDir 'config.json.new'
  # UTF-8 without BOM: the agent's JSON.parse refuses a BOM.
  [IO.File]::WriteAllText($tmp, ($config | ConvertTo-Json -Depth 20), (New-Object Text.UTF8Encoding($false)))
  & $NodePath $Bundle --config $tmp --check | Out-Null
  if ($LASTEXITCODE -ne 0) { Remove-Item -LiteralPath $tmp; Fail 'the config was refused (the line above names the field); nothing was changed' }
  Move-Item -LiteralPath $tmp -Destination $ConfigPath -Force
  Say "wrote $ConfigPath"
} else {
  & $NodePath $Bundle --config $ConfigPath --check | Out-Null
  if ($LASTEXITCODE -ne 0) { Fail "the kept config $ConfigPath was refused by the new agent (the line above names the field)" }
  Say "kept $ConfigPath"
}
Protect-Path $ConfigPath

# --- the service ------------------------------------------------------------------------------
if ($service -and $service.Status -ne 'Stopped') { Invoke-Wrapper 'stop' }
Copy-Item -LiteralPath $Bundle -Destination (Join-Path $InstallDir 'marquee-agent.mjs') -Force
if ($WinSW) { Copy-Item -LiteralPath $WinSW -Destination $Wrapper -Force }
$readme = Join-Path $PSScriptRoot 'README.md'
if (Test-Path -LiteralPath $readme) { Copy-Item -LiteralPath $readme -Destination $InstallDir -Force }
$xml = (Get-Content -Raw -LiteralPath (Join-Path $PSScriptRoot 'marquee-agent.xml')).Replace('@NODE@', $NodePath).Replace('@DATA@', $DataDir)
[IO.File]::WriteAllText((Join-Path $InstallDir 'marquee-agent.xml'), $xml, (New-Object Text.UTF8Encoding($false)))
if (-not $service) { Invoke-Wrapper 'install' }
Invoke-Wrapper 'start'
$version = & $NodePath $Bundle --version
if ($service) { Say "upgraded to agent $version; config and state in $DataDir kept; service restarted" }
else { Say "installed agent $version as the service $ServiceId (automatic start); logs in $DataDir\logs" }
