@echo off
rem cpis-gateway launcher for Windows. Needs only a Java 17+ runtime: JAVA_HOME, or java on the PATH.
rem   CPIS_HOME       the unpacked distribution (default: the folder above this script)
rem   CPIS_DATA_DIR   where the store, broker journal, uploads and logs live (default: %CPIS_HOME%\data)
rem   CPIS_JAVA_OPTS  JVM options (default: -Xms256m -Xmx512m -XX:SurvivorRatio=4 -XX:TargetSurvivorRatio=80)
setlocal
if "%CPIS_HOME%"=="" set "CPIS_HOME=%~dp0.."
for %%i in ("%CPIS_HOME%") do set "CPIS_HOME=%%~fi"
if "%CPIS_DATA_DIR%"=="" set "CPIS_DATA_DIR=%CPIS_HOME%\data"
if "%CPIS_JAVA_OPTS%"=="" set "CPIS_JAVA_OPTS=-Xms256m -Xmx512m -XX:SurvivorRatio=4 -XX:TargetSurvivorRatio=80"
set "JAVA=java"
if not "%JAVA_HOME%"=="" set "JAVA=%JAVA_HOME%\bin\java"
if "%1"=="run" cd /d "%CPIS_HOME%"
if "%1"=="check-config" cd /d "%CPIS_HOME%"
if "%1"=="check-feed" cd /d "%CPIS_HOME%"
if "%1"=="authority" cd /d "%CPIS_HOME%"
if "%CPIS_AUDIT_FILE%"=="" set "CPIS_AUDIT_FILE=%CPIS_DATA_DIR%\logs\audit.log"
"%JAVA%" %CPIS_JAVA_OPTS% -Dcpis.home="%CPIS_HOME%" -Dlogback.configurationFile="%CPIS_HOME%\conf\logback.xml" -cp "%CPIS_HOME%\lib\*" org.cpisgateway.cli.Cli %*
exit /b %ERRORLEVEL%
